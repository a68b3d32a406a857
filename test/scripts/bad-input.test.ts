// The operator CLI's answers to a new user's bad inputs (issue 8's probe), each against moto on 127.0.0.1 or a real
// loopback socket that misbehaves: a silent endpoint, a call that hangs, a connection cut mid-wait.
import { AddJobFlowStepsCommand, EMRClient, TerminateJobFlowsCommand } from "@aws-sdk/client-emr";
import { S3Client } from "@aws-sdk/client-s3";
import { describeError } from "../../scripts/lib/errors";
import { jobNames, loadJobCatalog } from "../../contracts/job-catalog";
import { runCaptured, TEST_TIMING, tempRepo } from "../support/cli-harness";
import { createBuckets, createCluster } from "../support/emr-fixture";
import { faultyProxy, type LoopbackServer, silentServer } from "../support/loopback-faults";
import { useMoto } from "../support/moto-server";
import { RecordingRunner } from "../support/recording-runner";

const moto = useMoto();

/** The financial job's options as the catalogue lists them (what submit's message offers). */
function financialFlags(): string[] {
  const flags = loadJobCatalog().jobs.find((j) => j.name === "financial_data_processor")!.options.map((o) => o.flag);
  expect(flags).toEqual(expect.arrayContaining(["--input", "--output", "--rsi-period"]));
  return flags;
}
const emr = () => new EMRClient({ region: "us-east-1" });
const s3 = () => new S3Client({ region: "us-east-1", forcePathStyle: true });
const BUCKETS = ["--artifacts-bucket", "emr-local-artifacts", "--data-bucket", "emr-local-data"];
const SMOKE_ARGS = ["--", "--output", "s3://emr-local-data/processed/smoke/x/"];

beforeEach(async () => {
  await moto().reset();
  await createBuckets(s3(), ["emr-local-artifacts", "emr-local-data", "emr-platform-logs"]);
});

/** Points the SDK (which reads process.env) at `server` for one run, with no retries to wait through. */
async function through<T>(server: LoopbackServer, body: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const saved = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = server.endpoint;
  try {
    return await body({ ...process.env, AWS_MAX_ATTEMPTS: "1" });
  } finally {
    process.env.AWS_ENDPOINT_URL = saved;
    await server.close();
  }
}

describe("an endpoint that accepts the connection and never answers", () => {
  it("fails the call after the request timeout with one line, instead of hanging", async () => {
    const run = await through(await silentServer(), (env) =>
      runCaptured(["info", "local", "--cluster-id", "j-SILENT1"], tempRepo().root, { env, timing: { ...TEST_TIMING, requestTimeoutMs: 300 } }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the EMR endpoint http:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL\) accepted the connection but did not answer in time \(.*300 ms requestTimeout.*\); fix: check the network, a proxy, or AWS_ENDPOINT_URL\n$/);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  }, 15_000);

  it("--timeout bounds the whole wait, cutting a DescribeStep still in flight", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    // A 60 s request timeout: only --timeout (0.01 min) can end this wait within the test's 15 s.
    const run = await through(await faultyProxy(moto().endpoint, { DescribeStep: "hang" }), (env) =>
      runCaptured(["submit", "local", "smoke", ...BUCKETS, "--wait", "--timeout", "0.01", ...SMOKE_ARGS], tempRepo().root, {
        env,
        timing: { ...TEST_TIMING, requestTimeoutMs: 60_000 },
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^error: timed out after 1s waiting for step s-\\w+; it keeps running on ${clusterId}\\. Follow it with: npm run emr -- steps local`));
  }, 15_000);
});

describe("a connection lost during submit --wait", () => {
  it("keeps the hint that the step keeps running and how to follow it", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const run = await through(await faultyProxy(moto().endpoint, { DescribeStep: "reset" }), (env) =>
      runCaptured(["submit", "local", "smoke", ...BUCKETS, "--wait", ...SMOKE_ARGS], tempRepo().root, { env }),
    );
    expect(run.code).toBe(1);
    const stepId = /step (s-\w+) added/.exec(run.stdout)?.[1];
    expect(stepId).toBeDefined();
    expect(run.stderr).toMatch(/^error: .*(socket hang up|ECONNRESET)/);
    expect(run.stderr).toContain(`; the step keeps running on ${clusterId}. Follow it with: npm run emr -- steps local; logs: npm run emr -- logs local ${stepId}\n`);
  }, 15_000);
});

describe("--cluster-id", () => {
  it.each([[""], ["j-lower"], ["s-1ABC"], ["j-"]])("refuses %p before any call", async (id) => {
    const run = await runCaptured(["info", "local", "--cluster-id", id], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: option '--cluster-id <id>' argument '${id}' is invalid. "${id}" is not an EMR cluster id (like j-1A2B3C4D5E6F)`);
  });

  it("refuses a cluster tagged for another environment unless --force", async () => {
    const clusterId = await createCluster(emr(), { environment: "staging" });
    const refused = await runCaptured(["info", "local", "--cluster-id", clusterId], tempRepo().root);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: cluster ${clusterId} is tagged Environment=staging, not local; nothing was done. fix: name staging instead of local, or pass --force to act on it anyway\n`,
    );
    const forced = await runCaptured(["info", "local", "--cluster-id", clusterId, "--force"], tempRepo().root);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`  cluster          ${clusterId} `);
  });
});

describe("submit checks the job against the catalogue first", () => {
  it("refuses an unknown job before looking for a cluster or uploading", async () => {
    // No cluster exists: on main the discovery error came first, after which the name was never checked.
    const runner = new RecordingRunner();
    const run = await runCaptured(["submit", "local", "nope", ...BUCKETS], tempRepo().root, { runner });
    expect(run.code).toBe(1);
    // The catalogue's names, then its aliases (spark-jobs/catalog.json grows with each job).
    expect(jobNames()).toEqual(expect.arrayContaining(["smoke_test", "financial_data_processor", "data_quality", "smoke", "financial", "quality"]));
    expect(run.stderr).toBe(`error: unknown job "nope"; fix: one of ${jobNames().join(", ")}\n`);
    expect(run.stdout).toBe("");
    expect(runner.calls).toEqual([]);
  });

  it("refuses arguments the job's parser would refuse, naming each", async () => {
    const run = await runCaptured(["submit", "local", "financial", ...BUCKETS, "--", "--input", "s3://b/x.csv", "--rsi-period", "0", "--colour", "red"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: financial_data_processor --rsi-period "0": expected a positive integer; financial_data_processor has no option --colour; ' +
        `fix: one of ${financialFlags().join(", ")}; ` +
        "financial_data_processor needs --output; fix: add it (output root path or URI) (nothing was uploaded or submitted)\n",
    );
  });

  it("lists the catalogue's jobs in its help", async () => {
    const run = await runCaptured(["submit", "--help"], tempRepo().root);
    expect(run.stdout.replace(/\s+/g, " ")).toContain("job: smoke_test (smoke), financial_data_processor (financial), data_quality (quality)");
  });
});

describe("logs", () => {
  it("says a step that does not exist does not exist (not 'not copied yet')", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const run = await runCaptured(["logs", "local", "s-NOSUCHSTEP1", "--cluster-id", clusterId], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: step s-NOSUCHSTEP1 does not exist on cluster ${clusterId}; fix: pick one from npm run emr -- steps local\n`);
  });

  it("says the log bucket does not exist", async () => {
    const clusterId = await createCluster(emr(), { environment: "local", logUri: "s3://no-such-logs-bucket/emr/" });
    const { StepIds } = await emr().send(
      new AddJobFlowStepsCommand({ JobFlowId: clusterId, Steps: [{ Name: "x", HadoopJarStep: { Jar: "command-runner.jar", Args: ["true"] } }] }),
    );
    const run = await runCaptured(["logs", "local", StepIds![0], "--cluster-id", clusterId], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error: the log bucket no-such-logs-bucket does not exist; fix: pass --logs-bucket with the environment's logs bucket (npm run emr -- info <env> shows it)\n",
    );
  });
});

describe("usage", () => {
  it("exits 1 with the command list when no command is given", async () => {
    const run = await runCaptured([], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Commands:\n {2}deploy \[options\] <env>/);
    expect(run.stderr).toContain("error: no command given; fix: npm run emr -- <command> <env> (commands above)\n");
  });

  it("exits 1 naming the subcommands when `pipeline` is given none", async () => {
    const run = await runCaptured(["pipeline"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Commands:\n {2}list \[options\] <env>/);
    expect(run.stderr).toContain("error: no pipeline command given; fix: npm run emr -- pipeline <list|run|status|history> <env> (commands above)\n");
  });

  it.each([
    [["--part-size", "1"], "option '--part-size <MiB>' argument '1' is invalid. must be a whole number of at least 5"],
    [["--part-size", "4"], "option '--part-size <MiB>' argument '4' is invalid. must be a whole number of at least 5"],
    [["--concurrency", "0"], "option '--concurrency <n>' argument '0' is invalid. must be a positive whole number"],
  ])("upload refuses %p", async (flags, message) => {
    const run = await runCaptured(["upload", "local", ...BUCKETS, ...flags], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: ${message}`);
  });
});

describe("info on a terminated cluster", () => {
  it("prints no SSH tunnels to it", async () => {
    const clusterId = await createCluster(emr(), { environment: "local", keyName: "ops-key" });
    const live = await runCaptured(["info", "local", "--cluster-id", clusterId], tempRepo().root);
    expect(live.stdout).toContain("ssh -i ~/.ssh/ops-key.pem -N -L");
    await emr().send(new TerminateJobFlowsCommand({ JobFlowIds: [clusterId] }));
    const run = await runCaptured(["info", "local", "--cluster-id", clusterId], tempRepo().root);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("  web UIs          none: the cluster is TERMINATED\n");
    expect(run.stdout).not.toContain("ssh ");
  });
});

describe("persistent throttling", () => {
  it("names the cause and the fix once the SDK's retries are spent", () => {
    const err = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400, attempts: 5 } });
    expect(describeError(err)).toBe(
      "AWS kept throttling the requests (ThrottlingException: Rate exceeded) after 5 attempts; fix: wait a minute and rerun " +
        "(other tools may share the account's API rate), or raise AWS_MAX_ATTEMPTS (default 5) so the CLI retries longer",
    );
  });
});
