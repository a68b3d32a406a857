// submit, steps, logs and test against moto (the real SDK); what moto cannot do (a step reaching COMPLETED or FAILED)
// runs on recorded DescribeStep responses from test/support/recorded-emr.ts, with S3 still on moto.
import { AddJobFlowStepsCommand, DescribeStepCommand, EMRClient, ListStepsCommand, TerminateJobFlowsCommand } from "@aws-sdk/client-emr";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { spawn } from "node:child_process";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { packageJobs, packageSampleData } from "../../scripts/lib/job-bundle";
import { jobNames } from "../../contracts/job-catalog";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { createBuckets, createCluster } from "../support/emr-fixture";
import { REPO_ROOT, useMoto } from "../support/moto-server";
import { clusterIn, FAILED_STEP, recordedEmr, stepIn } from "../support/recorded-emr";

const moto = useMoto();
const emr = () => new EMRClient({ region: "us-east-1" });
const s3 = () => new S3Client({ region: "us-east-1", forcePathStyle: true });
const BUCKETS = ["--artifacts-bucket", "emr-local-artifacts", "--data-bucket", "emr-local-data"];
const RUN_ID = "20260101T000000Z-abcd";

beforeEach(async () => {
  await moto().reset();
  await createBuckets(s3(), ["emr-local-artifacts", "emr-local-data", "emr-platform-logs"]);
});

/** A step that exists on the cluster (logs checks the id with DescribeStep before reading S3). */
async function realStep(clusterId: string): Promise<string> {
  const { StepIds } = await emr().send(
    new AddJobFlowStepsCommand({ JobFlowId: clusterId, Steps: [{ Name: "logged", HadoopJarStep: { Jar: "command-runner.jar", Args: ["true"] } }] }),
  );
  return StepIds![0];
}

async function onlyStep(clusterId: string) {
  const { Steps } = await emr().send(new ListStepsCommand({ ClusterId: clusterId }));
  expect(Steps).toHaveLength(1);
  return (await emr().send(new DescribeStepCommand({ ClusterId: clusterId, StepId: Steps![0].Id }))).Step!;
}

describe("submit", () => {
  it("adds a spark-submit step with the uploaded keys, the job args and an explicit action on failure", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const { root } = tempRepo();
    const run = await runCaptured(
      ["submit", "local", "financial", ...BUCKETS, "--action-on-failure", "CANCEL_AND_WAIT", "--", "--input", "s3://emr-local-data/raw/x.csv", "--input-format", "csv", "--output", "s3://emr-local-data/processed/y/"],
      root,
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const bundle = await packageJobs(path.join(root, "spark-jobs"), "jobs/");
    const step = await onlyStep(clusterId);
    expect(step.Name).toBe(`financial_data_processor ${RUN_ID}`);
    expect(step.ActionOnFailure).toBe("CANCEL_AND_WAIT");
    expect(step.Config?.Jar).toBe("command-runner.jar");
    expect(step.Config?.Args).toEqual([
      "spark-submit",
      "--deploy-mode",
      "cluster",
      "--py-files",
      `s3://emr-local-artifacts/${bundle.pyFiles.key}`,
      `s3://emr-local-artifacts/${bundle.entrypoints.financial_data_processor.key}`,
      "--input",
      "s3://emr-local-data/raw/x.csv",
      "--input-format",
      "csv",
      "--output",
      "s3://emr-local-data/processed/y/",
    ]);
    expect(run.stdout).toContain(`  step ${step.Id} added to ${clusterId}: spark-submit --deploy-mode cluster`);
    expect(run.stdout).toContain(`  follow it: npm run emr -- steps local   logs: npm run emr -- logs local ${step.Id}`);
  });

  it("defaults the action on failure to CONTINUE (never terminate a shared cluster by accident)", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    expect((await runCaptured(["submit", "local", "smoke_test", ...BUCKETS, "--", "--output", "s3://emr-local-data/processed/s/"], tempRepo().root)).code).toBe(0);
    expect((await onlyStep(clusterId)).ActionOnFailure).toBe("CONTINUE");
  });

  it("fails if the job is unknown, listing the choices", async () => {
    await createCluster(emr(), { environment: "local" });
    const run = await runCaptured(["submit", "local", "nope", ...BUCKETS], tempRepo().root);
    expect(run.code).toBe(1);
    // The catalogue's names, then its aliases (spark-jobs/catalog.json grows with each job).
    expect(jobNames()).toEqual(expect.arrayContaining(["smoke_test", "financial_data_processor", "data_quality", "smoke", "financial", "quality"]));
    expect(run.stderr).toBe(`error: unknown job "nope"; fix: one of ${jobNames().join(", ")}\n`);
  });

  it("fails if --action-on-failure is not one EMR knows", async () => {
    const run = await runCaptured(["submit", "local", "smoke", "--action-on-failure", "EXPLODE"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/argument 'EXPLODE' is invalid\. Allowed choices are CONTINUE, CANCEL_AND_WAIT, TERMINATE_CLUSTER/);
  });

  it("fails if the cluster is not running", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    await emr().send(new TerminateJobFlowsCommand({ JobFlowIds: [clusterId] }));
    const run = await runCaptured(["submit", "local", "smoke", "--cluster-id", clusterId, ...BUCKETS, "--", "--output", "s3://emr-local-data/processed/s/"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^error: cluster ${clusterId} is TERMINATED, not running \\(.*\\); fix: redeploy with npm run deploy -- local\\n$`));
  });
});

describe("test", () => {
  it("submits the smoke test with --output under processed/smoke/<run-id>/ and times out clearly (moto steps never finish)", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const { root } = tempRepo();
    const run = await runCaptured(["test", "local", ...BUCKETS, "--timeout", "0.0002"], root);
    const step = await onlyStep(clusterId);
    const bundle = await packageJobs(path.join(root, "spark-jobs"), "jobs/");
    expect(step.Config?.Args).toEqual([
      "spark-submit",
      "--deploy-mode",
      "cluster",
      "--py-files",
      `s3://emr-local-artifacts/${bundle.pyFiles.key}`,
      `s3://emr-local-artifacts/${bundle.entrypoints.smoke_test.key}`,
      "--output",
      `s3://emr-local-data/processed/smoke/${RUN_ID}/`,
    ]);
    expect(step.Name).toBe(`test smoke_test ${RUN_ID}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: timed out after 0s waiting for step ${step.Id}; it keeps running on ${clusterId}. Follow it with: npm run emr -- steps local; logs: npm run emr -- logs local ${step.Id}\n`,
    );
  });

  it("--job financial uploads the sample data and runs the financial processor on it", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const { root } = tempRepo();
    await runCaptured(["test", "local", "--job", "financial", ...BUCKETS, "--timeout", "0.0002"], root);
    const sample = packageSampleData(path.join(root, "spark-jobs"), "raw/");
    const args = (await onlyStep(clusterId)).Config?.Args ?? [];
    expect(args.slice(5)).toEqual([
      `s3://emr-local-artifacts/${(await packageJobs(path.join(root, "spark-jobs"), "jobs/")).entrypoints.financial_data_processor.key}`,
      "--input",
      `s3://emr-local-data/${sample.ohlcv.key}`,
      "--input-format",
      "csv",
      "--output",
      `s3://emr-local-data/processed/financial/${RUN_ID}/`,
    ]);
    const object = await s3().send(new GetObjectCommand({ Bucket: "emr-local-data", Key: sample.ohlcv.key }));
    expect(await object.Body!.transformToString()).toContain("symbol,date,open");
  });

  it("prints result.json when the smoke test completes (recorded COMPLETED step)", async () => {
    const recorded = recordedEmr({
      DescribeClusterCommand: [clusterIn("WAITING", { Id: "j-REC", Tags: [{ Key: "Environment", Value: "local" }] })],
      AddJobFlowStepsCommand: [{ StepIds: ["s-3RXXXXXXXXXXX"] }],
      DescribeStepCommand: [stepIn("RUNNING"), stepIn("COMPLETED")],
    });
    await s3().send(new PutObjectCommand({ Bucket: "emr-local-data", Key: `processed/smoke/${RUN_ID}/result.json`, Body: '{"status": "ok", "rows": 1000}\n' }));
    const run = await runCaptured(["test", "local", "--cluster-id", "j-REC", ...BUCKETS], tempRepo().root, { clients: { emr: recorded.client } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  step s-3RXXXXXXXXXXX COMPLETED; output in s3://emr-local-data/processed/smoke/${RUN_ID}/`);
    expect(run.stdout).toContain('  result.json: {"status": "ok", "rows": 1000}');
    expect(recorded.calls.map((c) => c.command)).toEqual(["DescribeClusterCommand", "AddJobFlowStepsCommand", "DescribeStepCommand", "DescribeStepCommand"]);
  });

  it("on failure downloads the step's stderr from the log bucket and prints its tail (recorded FAILED step)", async () => {
    const recorded = recordedEmr({
      DescribeClusterCommand: [clusterIn("WAITING", { Id: "j-REC", Tags: [{ Key: "Environment", Value: "local" }] })],
      AddJobFlowStepsCommand: [{ StepIds: ["s-3RXXXXXXXXXXX"] }],
      DescribeStepCommand: [stepIn("RUNNING"), FAILED_STEP],
    });
    await createBuckets(s3(), ["emr-platform-dev-logs"]);
    const stderr = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join("\n") + "\nTraceback: ValueError: bad input\n";
    await s3().send(new PutObjectCommand({ Bucket: "emr-platform-dev-logs", Key: "emr/j-2AXXXXXXGAPLF/steps/s-3RXXXXXXXXXXX/stderr.gz", Body: gzipSync(stderr) }));
    const run = await runCaptured(["test", "local", "--cluster-id", "j-REC", ...BUCKETS], tempRepo().root, { clients: { emr: recorded.client } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("  last 40 lines of stderr:\n    line 62\n");
    expect(run.stdout).toContain("    line 100\n    Traceback: ValueError: bad input\n");
    expect(run.stdout).not.toContain("    line 61\n");
    expect(run.stderr).toBe(
      'error: step s-3RXXXXXXXXXXX (test smoke_test 20260101T000000Z-abcd) is FAILED: Unknown Error.: Exception in thread "main" org.apache.spark.SparkException: Application application_1_0001 finished with failed status\n',
    );
  });

  it("says where to read the log later when EMR has not copied it yet (recorded FAILED step)", async () => {
    const recorded = recordedEmr({
      DescribeClusterCommand: [clusterIn("WAITING", { Id: "j-REC", Tags: [{ Key: "Environment", Value: "local" }] })],
      AddJobFlowStepsCommand: [{ StepIds: ["s-3RXXXXXXXXXXX"] }],
      DescribeStepCommand: [FAILED_STEP],
    });
    await createBuckets(s3(), ["emr-platform-dev-logs"]);
    const run = await runCaptured(["test", "local", "--cluster-id", "j-REC", ...BUCKETS], tempRepo().root, { clients: { emr: recorded.client } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("warning: stderr not in S3 yet; read it later with: npm run emr -- logs local s-3RXXXXXXXXXXX\n");
  });

  it("fails if the data bucket is unknown", async () => {
    await createCluster(emr(), { environment: "local" });
    const run = await runCaptured(["test", "local", "--artifacts-bucket", "emr-local-artifacts"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the data bucket of local is unknown: .*; fix: deploy first, or pass --data-bucket <name>\n$/);
  });
});

describe("Ctrl-C", () => {
  it("stops a real process waiting for a step with exit 130, leaving the step running", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const child = spawn(process.execPath, ["scripts/bin/emr.cjs", "test", "local", ...BUCKETS], { cwd: REPO_ROOT, env: process.env });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => {
        stdout += d;
        if (/step s-\w+: RUNNING/.test(stdout)) resolve();
      }),
    );
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    const step = await onlyStep(clusterId);
    expect(stderr).toBe(
      `error: interrupted while waiting for step ${step.Id}; it keeps running on ${clusterId}. Follow it with: npm run emr -- steps local; logs: npm run emr -- logs local ${step.Id}\n`,
    );
    expect(step.Status?.State).toBe("RUNNING");
  }, 30_000);
});

describe("steps and logs", () => {
  it("lists recent steps with state, duration and name", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    await emr().send(
      new AddJobFlowStepsCommand({
        JobFlowId: clusterId,
        Steps: [{ Name: "nightly financial", ActionOnFailure: "CONTINUE", HadoopJarStep: { Jar: "command-runner.jar", Args: ["spark-submit", "x.py"] } }],
      }),
    );
    const run = await runCaptured(["steps", "local"], tempRepo().root);
    expect(run.code).toBe(0);
    const [header, row] = run.stdout.trim().split("\n");
    expect(header).toMatch(/^step\s+state\s+duration\s+created\s+name$/);
    expect(row).toMatch(/^s-\w+\s+RUNNING\s+-\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+nightly financial$/);
  });

  it("prints a step's stdout and stderr from the cluster's log URI", async () => {
    const clusterId = await createCluster(emr(), { environment: "local", logUri: "s3://emr-platform-logs/emr/" });
    const stepId = await realStep(clusterId);
    const prefix = `emr/${clusterId}/steps/${stepId}/`;
    await s3().send(new PutObjectCommand({ Bucket: "emr-platform-logs", Key: `${prefix}stdout.gz`, Body: gzipSync("rows written: 42\n") }));
    await s3().send(new PutObjectCommand({ Bucket: "emr-platform-logs", Key: `${prefix}stderr.gz`, Body: gzipSync("a\nb\nc\n") }));
    const both = await runCaptured(["logs", "local", stepId], tempRepo().root);
    expect(both.code).toBe(0);
    expect(both.stdout).toBe(
      `==> stdout (s3://emr-platform-logs/${prefix}stdout.gz)\nrows written: 42\n==> stderr (s3://emr-platform-logs/${prefix}stderr.gz)\na\nb\nc\n`,
    );
    const tail = await runCaptured(["logs", "local", stepId, "--stream", "stderr", "--tail", "2"], tempRepo().root);
    expect(tail.stdout).toBe(`==> stderr (s3://emr-platform-logs/${prefix}stderr.gz)\nb\nc\n`);
  });

  it("reads logs from --logs-bucket when the cluster has no log URI, and fails clearly without it", async () => {
    const clusterId = await createCluster(emr(), { environment: "local", logUri: null });
    const stepId = await realStep(clusterId);
    await s3().send(new PutObjectCommand({ Bucket: "emr-platform-logs", Key: `emr/${clusterId}/steps/${stepId}/stderr.gz`, Body: gzipSync("boom\n") }));
    const withFlag = await runCaptured(["logs", "local", stepId, "--stream", "stderr", "--logs-bucket", "emr-platform-logs"], tempRepo().root);
    expect(withFlag.stdout).toBe(`==> stderr (s3://emr-platform-logs/emr/${clusterId}/steps/${stepId}/stderr.gz)\nboom\n`);
    const without = await runCaptured(["logs", "local", stepId], tempRepo().root);
    expect(without.code).toBe(1);
    expect(without.stderr).toBe(`error: cluster ${clusterId} has no log URI, so its step logs are not in S3; fix: pass --logs-bucket\n`);
  });

  it("fails if the logs are not in S3 yet, saying EMR copies them later", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const stepId = await realStep(clusterId);
    const run = await runCaptured(["logs", "local", stepId, "--stream", "stderr"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`warning: no stderr at s3://emr-platform-logs/emr/${clusterId}/steps/${stepId}/stderr.gz yet (EMR copies step logs to S3 within about 5 minutes)\n`);
  });

  it("fails if the step id is malformed", async () => {
    const run = await runCaptured(["logs", "local", "step-1"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: "step-1" is neither a step id (like s-1A2B3C4D5E6F) nor an EMR Serverless job run id (like 00fabcdefghij012); fix: copy one from npm run emr -- steps local or npm run emr -- runs local\n',
    );
  });
});
