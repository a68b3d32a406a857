// submit --serverless, runs, logs and info against moto's EMR Serverless (the real SDK; moto's runs succeed at once);
// FAILED and CANCELLED runs under --wait on recorded GetJobRun responses, with S3 still on moto.
import {
  CreateApplicationCommand,
  EMRServerlessClient,
  GetJobRunCommand,
  type JobRun,
  StartJobRunCommand,
  type StartJobRunCommandInput,
  StopApplicationCommand,
  UpdateApplicationCommand,
} from "@aws-sdk/client-emr-serverless";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { ServerlessOutput } from "../../modules/serverless/target";
import { packageJobs } from "../../scripts/lib/job-bundle";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { EMRClient } from "@aws-sdk/client-emr";
import { createBuckets, createCluster } from "../support/emr-fixture";
import { useMoto } from "../support/moto-server";
import { spiedClient } from "../support/spied-client";
import { outputJson, RecordingRunner } from "../support/recording-runner";

const moto = useMoto();
const serverless = () => new EMRServerlessClient({ region: "us-east-1" });
const s3 = () => new S3Client({ region: "us-east-1", forcePathStyle: true });
const RUN_ID = "20260101T000000Z-abcd";
const ROLE = "arn:aws:iam::123456789012:role/emr-platform-local-serverless-job";
const LOG_URI = "s3://emr-local-logs/emr-serverless/";
/** data_quality: a job without pandas whose entry script the spark-jobs fixture has. */
const QUALITY = ["quality", "--serverless", "--", "--input", "s3://b/in/", "--rules", "s3://b/rules.json", "--report", "s3://b/report/"];

let applicationId: string;

async function createApplication(autoStart = true): Promise<string> {
  const { applicationId: id } = await serverless().send(
    new CreateApplicationCommand({ name: "emr-platform-local", releaseLabel: "emr-7.12.0", type: "SPARK", clientToken: "t", autoStartConfiguration: { enabled: autoStart } }),
  );
  return id!;
}

beforeEach(async () => {
  await moto().reset();
  await createBuckets(s3(), ["emr-local-artifacts", "emr-local-logs"]);
  applicationId = await createApplication();
});

/** The `serverless` output as branch modules/serverless writes it (a ServerlessOutput, JSON-encoded). */
function serverlessOutput(overrides: Partial<ServerlessOutput> = {}): ServerlessOutput {
  return {
    applicationId,
    applicationArn: `arn:aws:emr-serverless:us-east-1:123456789012:/applications/${applicationId}`,
    applicationName: "emr-platform-local",
    runtimeRoleArn: ROLE,
    releaseLabel: "emr-7.12.0",
    architecture: "ARM64",
    imageRepositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/emr-platform-local-jobs",
    imageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/emr-platform-local-jobs:jobs-0123456789abcdef",
    logUri: LOG_URI,
    ...overrides,
  };
}

function stackOutputs(serverlessValue: string = JSON.stringify(serverlessOutput())): Record<string, string> {
  return { artifacts_bucket: "emr-local-artifacts", logs_bucket: "emr-local-logs", jobs_prefix: "jobs/", serverless: serverlessValue };
}

const spiedServerless = () => spiedClient(serverless());

async function emr(argv: string[], overrides: Parameters<typeof runCaptured>[2] = {}, outputs = stackOutputs()) {
  const { root, terraformBin } = tempRepo({ stacks: ["local"] });
  const runner = new RecordingRunner((call) => (call.args.includes("output") ? { stdout: outputJson(outputs) } : undefined));
  // Before `--`: what follows it are the job's arguments.
  const split = argv.includes("--") ? argv.indexOf("--") : argv.length;
  const withBin = [...argv.slice(0, split), "--terraform-bin", terraformBin, ...argv.slice(split)];
  return { root, ...(await runCaptured(withBin, root, { runner, ...overrides })) };
}

describe("submit --serverless", () => {
  it("starts a job run with the cluster step's entry script, --py-files zip and arguments, the runtime role, a UUID client token and the log URI", async () => {
    const { spy, sent } = spiedServerless();
    const args = ["--input", "s3://emr-local-data/raw/x.csv", "--input-format", "csv", "--output", "s3://emr-local-data/processed/y/"];
    const run = await emr(["submit", "local", "financial", "--serverless", "--", ...args], { clients: { emrServerless: spy } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const bundle = await packageJobs(path.join(run.root, "spark-jobs"), "jobs/");
    const start = sent.find((c) => c.name === "StartJobRunCommand")!.input as unknown as StartJobRunCommandInput;
    expect(start).toEqual({
      applicationId,
      executionRoleArn: ROLE,
      clientToken: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      name: `financial_data_processor ${RUN_ID}`,
      jobDriver: {
        sparkSubmit: {
          entryPoint: `s3://emr-local-artifacts/${bundle.entrypoints.financial_data_processor.key}`,
          entryPointArguments: args,
          sparkSubmitParameters: `--py-files s3://emr-local-artifacts/${bundle.pyFiles.key}`,
        },
      },
      configurationOverrides: { monitoringConfiguration: { s3MonitoringConfiguration: { logUri: LOG_URI } } },
    });
    // moto kept the same request: the run exists with our driver.
    const jobRunId = /job run (\w+) started/.exec(run.stdout)![1];
    const { jobRun } = await serverless().send(new GetJobRunCommand({ applicationId, jobRunId }));
    expect(jobRun?.jobDriver?.sparkSubmit?.entryPoint).toBe(start.jobDriver!.sparkSubmit!.entryPoint);
    expect(run.stdout).toContain(`  follow it: npm run emr -- runs local; logs: npm run emr -- logs local ${jobRunId}`);
  });

  it("gives each invocation its own client token", async () => {
    const { spy, sent } = spiedServerless();
    for (let i = 0; i < 2; i++) expect((await emr(["submit", "local", ...QUALITY], { clients: { emrServerless: spy } })).stderr).toBe("");
    const tokens = sent.filter((c) => c.name === "StartJobRunCommand").map((c) => c.input.clientToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it("--wait follows the financial job to SUCCESS and exits 0", async () => {
    const args = ["--input", "s3://emr-local-data/raw/x.csv", "--input-format", "csv", "--output", "s3://emr-local-data/processed/y/"];
    const run = await emr(["submit", "local", "financial", "--serverless", "--wait", "--", ...args]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/job run \w+ SUCCESS/);
  });

  it("fails if a job needs pandas and the application runs EMR's own image, before uploading anything", async () => {
    const run = await emr(["submit", "local", "compare", "--serverless", "--", "--ours", "s3://b/a/", "--theirs", "s3://b/b.csv", "--output", "s3://b/c/"], {}, stackOutputs(JSON.stringify(serverlessOutput({ imageUri: null }))));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: compare needs pandas, which EMR Serverless's own image \(Python 3\.9, no pandas\) lacks \(emr_jobs\.jobs\.compare imports pandas\), .*fix: npm run emr -- image push local, set serverless.imageTag/,
    );
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stdout).not.toContain("uploaded");
  });

  it("fails if a job's code needs a newer Python than EMR's own image has, naming the reason", async () => {
    const run = await emr(["submit", "local", ...QUALITY], {}, stackOutputs(JSON.stringify(serverlessOutput({ imageUri: null }))));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: data_quality needs Python 3\.10 or later, which EMR Serverless's own image \(Python 3\.9, no pandas\) lacks \(emr_jobs\.\S+ (has|line)/);
  });

  it("fails if the application is stopped and auto-start is off, naming both fixes", async () => {
    await serverless().send(new StopApplicationCommand({ applicationId }));
    await serverless().send(new UpdateApplicationCommand({ applicationId, clientToken: "u", autoStartConfiguration: { enabled: false } }));
    const run = await emr(["submit", "local", ...QUALITY]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: the EMR Serverless application ${applicationId} of local is STOPPED and auto-start is off, so the job would never run; ` +
        `fix: aws emr-serverless start-application --application-id ${applicationId}, or set serverless.autoStart in environments/local.ts and deploy\n`,
    );
  });

  it("fails with one line when EMR Serverless is not enabled (the output is {})", async () => {
    const run = await emr(["submit", "local", ...QUALITY], {}, stackOutputs("{}"));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: EMR Serverless is not enabled for local; fix: set serverless.enabled in environments/local.ts and deploy (npm run deploy -- local)\n");
  });

  it("fails with one line when the API refuses the release (ValidationException)", async () => {
    const refusing = {
      send: async (command: { constructor: { name: string } }, options?: unknown) => {
        if (command.constructor.name === "StartJobRunCommand") {
          throw Object.assign(new Error("Release label emr-7.99.0 is not supported"), { name: "ValidationException", $metadata: { httpStatusCode: 400 } });
        }
        return (serverless().send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options);
      },
    } as unknown as EMRServerlessClient;
    const run = await emr(["submit", "local", ...QUALITY], { clients: { emrServerless: refusing } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: EMR Serverless refused the job run on ${applicationId}: Release label emr-7.99.0 is not supported; fix: check releaseLabel and serverless in environments/local.ts (a release EMR Serverless runs, e.g. emr-7.12.0) and deploy\n`,
    );
  });
});

/** GetJobRun as AWS answers for a run that ended badly (recorded shape, EMR Serverless API reference JobRun). */
function endedRun(state: "FAILED" | "CANCELLED", stateDetails: string): { jobRun: JobRun } {
  const created = new Date("2026-01-01T10:00:00Z");
  return {
    jobRun: {
      applicationId,
      jobRunId: "00fexampleid0001",
      name: `data_quality ${RUN_ID}`,
      arn: `arn:aws:emr-serverless:us-east-1:123456789012:/applications/${applicationId}/jobruns/00fexampleid0001`,
      createdBy: "arn:aws:iam::123456789012:user/operator",
      createdAt: created,
      updatedAt: new Date("2026-01-01T10:03:00Z"),
      executionRole: ROLE,
      state,
      stateDetails,
      releaseLabel: "emr-7.12.0",
      jobDriver: { sparkSubmit: { entryPoint: "s3://emr-local-artifacts/jobs/x/data_quality.py" } },
    },
  };
}

/** moto for everything but GetJobRun, which walks through `answers` (the last one repeats). */
function recordedRuns(answers: { jobRun: JobRun }[]) {
  const queue = [...answers];
  return {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }, options?: unknown) => {
      if (command.constructor.name === "GetJobRunCommand") return queue.length > 1 ? queue.shift() : queue[0];
      if (command.constructor.name === "StartJobRunCommand") return { applicationId, jobRunId: "00fexampleid0001", arn: "arn" };
      return (serverless().send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options);
    },
  } as unknown as EMRServerlessClient;
}

describe("submit --serverless --wait on runs that end badly", () => {
  const TIMING = { pollInitialMs: 1, pollMaxMs: 5, logWaitMs: 50 };
  const submit = (client: EMRServerlessClient) =>
    emr(["submit", "local", "quality", "--serverless", "--wait", ...QUALITY.slice(2)], { clients: { emrServerless: client }, timing: TIMING });

  it("exits 1 on FAILED with the state details and the logs command, after showing the state changes", async () => {
    const running = { jobRun: { ...endedRun("FAILED", "").jobRun, state: "RUNNING" as const, stateDetails: "" } };
    const run = await submit(recordedRuns([running, endedRun("FAILED", "Job failed, please check complete logs in configured logging destination. ExitCode: 1.")]));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/job run 00fexampleid0001: RUNNING · /);
    expect(run.stdout).toMatch(/job run 00fexampleid0001: FAILED · /);
    expect(run.stdout).toContain("  driver's stderr: npm run emr -- logs local 00fexampleid0001");
    expect(run.stderr).toBe(`error: job run 00fexampleid0001 (data_quality ${RUN_ID}) is FAILED: Job failed, please check complete logs in configured logging destination. ExitCode: 1.\n`);
  });

  it("exits 1 on CANCELLED", async () => {
    const run = await submit(recordedRuns([endedRun("CANCELLED", "Job run cancelled by user")]));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: job run 00fexampleid0001 (data_quality ${RUN_ID}) is CANCELLED: Job run cancelled by user\n`);
  });
});

describe("runs", () => {
  async function startRun(name: string): Promise<string> {
    const { jobRunId } = await serverless().send(
      new StartJobRunCommand({ applicationId, executionRoleArn: ROLE, clientToken: name, name, jobDriver: { sparkSubmit: { entryPoint: "s3://b/e.py" } } }),
    );
    return jobRunId!;
  }

  it("lists the application's job runs in a table with id, name, state, created and duration", async () => {
    const first = await startRun("first");
    const second = await startRun("second");
    const run = await emr(["runs", "local"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^job run\s+name\s+state\s+created\s+duration$/);
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0]).sort()).toEqual([first, second].sort());
    expect(lines[1]).toMatch(/\s+SUCCESS\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+\d/);
  });

  it("says so when the application has no job runs yet", async () => {
    const run = await emr(["runs", "local"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`no job runs on ${applicationId}\n`);
  });

  it("--limit and --state filter the list", async () => {
    await startRun("a");
    await startRun("b");
    expect((await emr(["runs", "local", "--limit", "1"])).stdout.trimEnd().split("\n")).toHaveLength(2);
    const failed = await emr(["runs", "local", "--state", "FAILED"]);
    expect(failed.stdout).toBe(`no FAILED job runs on ${applicationId}\n`);
  });

  it("fails if the output names an application that no longer exists", async () => {
    const run = await emr(["runs", "local"], {}, stackOutputs(JSON.stringify(serverlessOutput({ applicationId: "00fgone000000000", applicationArn: "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00fgone000000000" }))));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: the EMR Serverless application 00fgone000000000 of local does not exist (deleted outside Terraform?); fix: npm run deploy -- local\n");
  });
});

describe("logs <job-run-id>", () => {
  async function runWithLog(stream: "stderr" | "stdout", text: string): Promise<string> {
    const { jobRunId } = await serverless().send(
      new StartJobRunCommand({
        applicationId,
        executionRoleArn: ROLE,
        clientToken: "l",
        name: "logged",
        jobDriver: { sparkSubmit: { entryPoint: "s3://b/e.py" } },
        configurationOverrides: { monitoringConfiguration: { s3MonitoringConfiguration: { logUri: LOG_URI } } },
      }),
    );
    // EMR Serverless's layout: <logUri>applications/<app>/jobs/<run>/SPARK_DRIVER/<stream>.gz
    const key = `emr-serverless/applications/${applicationId}/jobs/${jobRunId}/SPARK_DRIVER/${stream}.gz`;
    await s3().send(new PutObjectCommand({ Bucket: "emr-local-logs", Key: key, Body: gzipSync(text) }));
    return jobRunId!;
  }

  it("prints the driver's stderr by default, gunzipped", async () => {
    const jobRunId = await runWithLog("stderr", "INFO SparkContext: Running Spark version 3.5.6\nTraceback: boom\n");
    const run = await emr(["logs", "local", jobRunId]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `==> stderr (s3://emr-local-logs/emr-serverless/applications/${applicationId}/jobs/${jobRunId}/SPARK_DRIVER/stderr.gz)\nINFO SparkContext: Running Spark version 3.5.6\nTraceback: boom\n`,
    );
  });

  it("--stream stdout prints the driver's stdout", async () => {
    const jobRunId = await runWithLog("stdout", "rows written: 42\n");
    const run = await emr(["logs", "local", jobRunId, "--stream", "stdout"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("rows written: 42");
  });

  it("exits 1 naming the path when the log is not in S3 yet", async () => {
    const jobRunId = await runWithLog("stdout", "only stdout\n");
    const run = await emr(["logs", "local", jobRunId]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `warning: no stderr at s3://emr-local-logs/emr-serverless/applications/${applicationId}/jobs/${jobRunId}/SPARK_DRIVER/stderr.gz yet ` +
        "(driver logs arrive in S3 shortly after the run ends; a run that never started a driver has none)\n",
    );
  });

  it("fails if the job run does not exist on the application", async () => {
    await runWithLog("stderr", "x\n");
    const run = await emr(["logs", "local", "00fnosuchrun0000"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: job run 00fnosuchrun0000 does not exist on the EMR Serverless application ${applicationId}; fix: pick one from npm run emr -- runs local\n`);
  });

  it("fails on an id that is neither a step nor a job run, before any AWS call", async () => {
    const run = await emr(["logs", "local", "not-an-id!"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: "not-an-id!" is neither a step id .* nor an EMR Serverless job run id .*; fix: copy one from npm run emr -- steps local or npm run emr -- runs local\n$/);
  });
});

describe("info", () => {
  it("shows the application's state, release, architecture, capacity and image next to an unknown cluster", async () => {
    await moto().reset();
    await createBuckets(s3(), ["emr-local-artifacts", "emr-local-logs"]);
    const { applicationId: id } = await serverless().send(
      new CreateApplicationCommand({
        name: "emr-platform-local",
        releaseLabel: "emr-7.12.0",
        type: "SPARK",
        clientToken: "i",
        maximumCapacity: { cpu: "64 vCPU", memory: "256 GB", disk: "1000 GB" },
        initialCapacity: { DRIVER: { workerCount: 1, workerConfiguration: { cpu: "2 vCPU", memory: "4 GB", disk: "20 GB" } } },
      }),
    );
    applicationId = id!;
    const run = await emr(["info", "local"], {}, stackOutputs(JSON.stringify(serverlessOutput({ imageUri: null }))));
    // No cluster in moto: info says so (exit 1) after the application's facts.
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`    application    ${applicationId} emr-platform-local`);
    expect(run.stdout).toContain("    state          STARTED");
    expect(run.stdout).toContain("    release        emr-7.12.0 (X86_64)");
    expect(run.stdout).toContain("    maximum        64 vCPU, 256 GB, 1000 GB disk");
    expect(run.stdout).toContain("    pre-warmed     driver 1 × 2 vCPU, 4 GB, 20 GB disk");
    expect(run.stdout).toContain("    image          EMR default image: Python 3.9, no pandas");
    expect(run.stderr).toMatch(/^error: no cluster found for local/);
  });

  it("--json carries the application beside the cluster", async () => {
    const clusterId = await createCluster(new EMRClient({ region: "us-east-1" }), { environment: "local" });
    const run = await emr(["info", "local", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout) as { cluster: { id: string }; serverless: Record<string, unknown> };
    expect(info.cluster.id).toBe(clusterId);
    expect(info.serverless).toMatchObject({ id: applicationId, state: "STARTED", releaseLabel: "emr-7.12.0", image: serverlessOutput().imageUri, logUri: LOG_URI });
  });
});
