// pipeline list/run/status/history against moto's server, which executes the state machines for real (Pass, Choice,
// Wait, Fail, aws-sdk:emr tasks with Retry/Catch). moto cannot run elasticmapreduce:addStep.sync, so the failed EMR
// step's stderr tail is tested on a recorded execution history (test/support/recorded-sfn.ts), with S3 on moto.
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { packageJobs } from "../../scripts/lib/job-bundle";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { createBuckets } from "../support/emr-fixture";
import { useMoto } from "../support/moto-server";
import { outputJson, RecordingRunner } from "../support/recording-runner";
import { ADD_STEP_FAILED_EXECUTION, ADD_STEP_FAILED_HISTORY, recordedSfn } from "../support/recorded-sfn";
import { createStateMachine, enableExecution, failingTaskPipeline, gatedPipeline, waitingPipeline } from "../support/sfn-fixture";

const moto = useMoto();
const sfn = () => new SFNClient({ region: "us-east-1" });
const s3 = () => new S3Client({ region: "us-east-1", forcePathStyle: true });
const RUN_ID = "20260101T000000Z-abcd";
const FAIL_DATE = "2026-01-13";
/** moto runs executions on threads of the same server: polling it every few ms (TEST_TIMING) starves them. */
const TIMING = { pollInitialMs: 50, pollMaxMs: 100, logWaitMs: 50 };

interface Machines {
  daily: string;
  broken: string;
  slow: string;
}

let machines: Machines;

beforeEach(async () => {
  await moto().reset();
  await enableExecution(moto().endpoint);
  await createBuckets(s3(), ["emr-local-artifacts", "emr-local-logs"]);
  machines = {
    daily: await createStateMachine(sfn(), "emr-platform-local-financialDaily", gatedPipeline(FAIL_DATE)),
    broken: await createStateMachine(sfn(), "emr-platform-local-broken", failingTaskPipeline()),
    slow: await createStateMachine(sfn(), "emr-platform-local-slow", waitingPipeline(30)),
  };
});

/** The stack's outputs as `terraform output -json` prints them, with the pipelines map JSON-encoded. */
function stackOutputs(): Record<string, string> {
  const pipelines = {
    financialDaily: {
      stateMachineArn: machines.daily,
      runtime: "transient",
      schedule: { cron: "0 2 * * ? *", timezone: "Europe/London" },
      trigger: { prefix: "raw/ohlcv/", marker: "_SUCCESS" },
      steps: ["validate", "gate", "process"],
    },
    broken: { stateMachineArn: machines.broken, runtime: "cluster", schedule: null, trigger: null, steps: ["process"] },
    slow: { stateMachineArn: machines.slow, runtime: "cluster", schedule: null, trigger: null, steps: ["hold"] },
  };
  return { artifacts_bucket: "emr-local-artifacts", logs_bucket: "emr-local-logs", log_uri: "s3://emr-local-logs/emr/", jobs_prefix: "jobs/", pipelines: JSON.stringify(pipelines) };
}

/** Runs the CLI in a temp repository whose stack's outputs are `outputs` (terraform answered by the runner). */
async function emr(argv: string[], overrides: Parameters<typeof runCaptured>[2] = {}, outputs = stackOutputs()) {
  const { root, terraformBin } = tempRepo({ stacks: ["local"] });
  const runner = new RecordingRunner((call) => (call.args.includes("output") ? { stdout: outputJson(outputs) } : undefined));
  const [command, sub, ...rest] = argv;
  return { root, ...(await runCaptured([command, sub, ...rest, "--terraform-bin", terraformBin], root, { runner, timing: TIMING, ...overrides })) };
}

async function executions(arn: string) {
  return (await sfn().send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions ?? [];
}

describe("pipeline run", () => {
  it("uploads the checked-out jobs, then starts an execution whose input carries the logical date and the artifacts' keys", async () => {
    const run = await emr(["pipeline", "run", "local", "financialDaily", "--date", "2026-01-12"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const bundle = await packageJobs(path.join(run.root, "spark-jobs"), "jobs/");
    // Uploaded under content-addressed keys, exactly as `upload` does.
    const head = await s3().send(new HeadObjectCommand({ Bucket: "emr-local-artifacts", Key: bundle.pyFiles.key }));
    expect(head.Metadata?.sha256).toBe(bundle.pyFiles.sha256);
    const [execution] = await executions(machines.daily);
    expect(execution.name).toBe(`cli-2026-01-12-${RUN_ID}`);
    const described = await sfn().send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
    const uri = (key: string) => `s3://emr-local-artifacts/${key}`;
    const manifest = {
      prefix: "s3://emr-local-artifacts/jobs/",
      pyFiles: uri(bundle.pyFiles.key),
      requirements: uri(bundle.requirements.key),
      entrypoints: Object.fromEntries(Object.entries(bundle.entrypoints).map(([job, artifact]) => [job, uri(artifact.key)])),
    };
    expect(JSON.parse(described.input!)).toEqual({
      date: "2026-01-12",
      code: manifest,
    });
    expect(Object.keys(manifest.entrypoints)).toEqual(expect.arrayContaining(["data_quality", "financial_data_processor", "smoke_test"]));
    // The code goes in this execution's input only: what scheduled runs execute (deploy's record) is left alone.
    await expect(s3().send(new HeadObjectCommand({ Bucket: "emr-local-artifacts", Key: "jobs/pipeline-code.json" }))).rejects.toMatchObject({ name: "NotFound" });
    expect(run.stdout).not.toContain("scheduled pipeline runs now use");
    expect(run.stdout).toContain("[1/2] upload job artifacts … done in");
    expect(run.stdout).toContain(`  follow it: npm run emr -- pipeline status local financialDaily cli-2026-01-12-${RUN_ID}`);
  });

  it("defaults the logical date to today in UTC", async () => {
    const now = Date.parse("2026-03-04T23:30:00Z");
    expect((await emr(["pipeline", "run", "local", "financialDaily"], { now: () => now })).code).toBe(0);
    const [execution] = await executions(machines.daily);
    const described = await sfn().send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
    expect(JSON.parse(described.input!).date).toBe("2026-03-04");
  });

  it("--wait follows the execution to SUCCEEDED and prints each state with its result", async () => {
    const run = await emr(["pipeline", "run", "local", "financialDaily", "--date", "2026-01-12", "--wait"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("[3/3] wait for the execution … done in");
    expect(run.stdout).toContain(`financialDaily · cli-2026-01-12-${RUN_ID}: SUCCEEDED (date 2026-01-12)`);
    expect(run.stdout).toMatch(/ {2}validate +Pass +succeeded +- +\S+ +\d/);
    expect(run.stdout).toMatch(/ {2}gate +Choice +succeeded/);
    expect(run.stdout).toMatch(/ {2}process +Pass +succeeded/);
  });

  it("--wait exits 1 naming the failing state when the quality gate fails the run", async () => {
    const run = await emr(["pipeline", "run", "local", "financialDaily", "--date", FAIL_DATE, "--wait"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: financialDaily execution cli-${FAIL_DATE}-${RUN_ID} FAILED at state "QualityGateFailed": QualityGateFailed; details: npm run emr -- pipeline status local financialDaily cli-${FAIL_DATE}-${RUN_ID}\n`,
    );
    expect(run.stdout).toContain(`  failed at "QualityGateFailed": QualityGateFailed (data_quality found violations above the threshold)`);
    expect(run.stdout).not.toMatch(/ {2}process +Pass/);
  });

  it("--wait names the task that failed (after its retry), not the Fail state the Catch led to", async () => {
    const run = await emr(["pipeline", "run", "local", "broken", "--wait"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: broken execution cli-\S+ FAILED at state "process": \S+/);
    expect(run.stderr.split("\n")).toHaveLength(2);
    // Two attempts: the first try and the one Retry allows; the Catch then ran cleanup.
    expect(run.stdout).toMatch(/ {2}process +Task +caught +2 /);
    expect(run.stdout).toMatch(/ {2}cleanup +Pass +succeeded/);
    expect(run.stdout).toMatch(/ {2}PipelineFailed +Fail +failed/);
  });

  it("--wait shows where a long execution is while it waits", async () => {
    const quick = await createStateMachine(sfn(), "emr-platform-local-quick", waitingPipeline(1));
    const outputs = { ...stackOutputs(), pipelines: JSON.stringify({ quick: { stateMachineArn: quick, runtime: "cluster", schedule: null, trigger: null, steps: ["hold"] } }) };
    const run = await emr(["pipeline", "run", "local", "quick", "--wait"], {}, outputs);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`  cli-\\S+: RUNNING · hold · \\d`));
  });

  it("Ctrl-C during --wait exits 130 and says the execution keeps running", async () => {
    const interrupt = new AbortController();
    const timer = setTimeout(() => interrupt.abort(), 1_500);
    const run = await emr(["pipeline", "run", "local", "slow", "--wait"], { signal: interrupt.signal });
    clearTimeout(timer);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/^error: interrupted; execution cli-\S+ keeps running\. Follow it with: npm run emr -- pipeline status local slow cli-\S+\n$/);
    const [execution] = await executions(machines.slow);
    expect(execution.status).toBe("RUNNING");
  });

  it("rejects an unknown pipeline, a bad date and missing outputs with one line each", async () => {
    const unknown = await emr(["pipeline", "run", "local", "nightly"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: unknown pipeline \"nightly\" in local; fix: one of broken, financialDaily, slow\n");

    const badDate = await emr(["pipeline", "run", "local", "financialDaily", "--date", "2026-02-30"]);
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toMatch(/^error: option '--date <YYYY-MM-DD>' argument '2026-02-30' is invalid\. must be a calendar date/);

    const { root } = tempRepo();
    const noStack = await runCaptured(["pipeline", "run", "local", "financialDaily"], root);
    expect(noStack.code).toBe(1);
    expect(noStack.stderr).toBe(
      "error: the pipelines of local are unknown: the stack is not synthesized (no cdktf.out/stacks/emr-local/cdk.tf.json); fix: npm run deploy -- local, or pass --state-machine-arn\n",
    );
    expect(await executions(machines.daily)).toHaveLength(0);
  });

  it("--state-machine-arn runs a pipeline the outputs do not name", async () => {
    const { root } = tempRepo();
    const run = await runCaptured(["pipeline", "run", "local", "adhoc", "--state-machine-arn", machines.daily, "--artifacts-bucket", "emr-local-artifacts", "--date", "2026-01-12", "--wait"], root, { timing: TIMING });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`adhoc · cli-2026-01-12-${RUN_ID}: SUCCEEDED`);
  });
});

/** Ends SUCCEEDED with `output` as the execution's output (what the real definitions' terminal Pass states leave). */
const endsWith = (output: object) => ({ StartAt: "end", States: { end: { Type: "Pass", Result: output, End: true } } });

describe("pipeline run: what it refuses, and what a SUCCEEDED execution really did", () => {
  async function nothingHappened() {
    expect(await executions(machines.daily)).toHaveLength(0);
    await expect(s3().send(new HeadObjectCommand({ Bucket: "emr-local-artifacts", Key: "jobs/pipeline-code.json" }))).rejects.toMatchObject({ name: "NotFound" });
  }

  it("refuses another environment's --state-machine-arn before uploading, unless --force", async () => {
    const prodArn = machines.daily.replace("emr-platform-local-financialDaily", "emr-platform-prod-financial-daily");
    const refused = await emr(["pipeline", "run", "local", "financialDaily", "--state-machine-arn", prodArn, "--date", "2026-01-19"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: --state-machine-arn "${prodArn}" is not a state machine of local: its name emr-platform-prod-financial-daily does not start with emr-platform-local-; nothing was done. fix: pass local's ARN (npm run emr -- pipeline list local), or --force to use it anyway\n`,
    );
    expect(refused.stdout).toBe("");
    const otherRegion = await emr(["pipeline", "run", "local", "financialDaily", "--state-machine-arn", machines.daily.replace("us-east-1", "eu-west-1")]);
    expect(otherRegion.stderr).toMatch(/: its region eu-west-1 is not local's us-east-1; nothing was done\./);
    await nothingHappened();
    // --force: the operator says it is meant (here it names an existing machine, so it runs).
    const prod = await createStateMachine(sfn(), "emr-platform-prod-financial-daily", gatedPipeline(FAIL_DATE));
    const forced = await emr(["pipeline", "run", "local", "financialDaily", "--state-machine-arn", prod, "--force", "--date", "2026-01-19"]);
    expect(forced.code).toBe(0);
    expect(await executions(prod)).toHaveLength(1);
  });

  it("quotes an ARN with a trailing space and refuses it before any call", async () => {
    const run = await emr(["pipeline", "run", "local", "financialDaily", "--state-machine-arn", `${machines.daily} `]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: --state-machine-arn "${machines.daily} " is not a state machine ARN (it contains whitespace); fix: arn:aws:states:<region>:<account>:stateMachine:<name>\n`);
    await nothingHappened();
  });

  it("checks the state machine exists before uploading, naming the pipeline", async () => {
    const gone = machines.daily.replace("financialDaily", "gone");
    const outputs = { ...stackOutputs(), pipelines: JSON.stringify({ fdGone: { stateMachineArn: gone, runtime: "cluster", schedule: null, trigger: null, steps: ["x"] } }) };
    const run = await emr(["pipeline", "run", "local", "fdGone", "--date", "2026-01-14"], {}, outputs);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: the state machine of pipeline fdGone ("${gone}") does not exist (StateMachineDoesNotExist; the stack's outputs are stale?); nothing was uploaded or started. fix: npm run deploy -- local\n`,
    );
    expect(run.stdout).not.toContain("upload");
    await nothingHappened();
  });

  it("says a pipeline is declared but not enabled in the environment", async () => {
    const run = await emr(["pipeline", "run", "local", "smokeNightly", "--date", "2026-01-12"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: local does not run smokeNightly (declared in environments/pipelines.ts, not enabled here); fix: add it to pipelines in environments/local.ts and deploy\n");
  });

  it("Ctrl-C during the upload exits 130 and starts no execution", async () => {
    const interrupt = new AbortController();
    let text = "";
    // The Ctrl-C arrives while the artifacts are being uploaded (after the first one is reported).
    const stdout = {
      isTTY: false,
      write: (chunk: string) => {
        text += chunk;
        if (/ {2}(uploaded|unchanged) {2}s3:\/\//.test(chunk)) interrupt.abort();
        return true;
      },
      text: () => text,
    };
    const run = await emr(["pipeline", "run", "local", "financialDaily", "--date", "2026-01-18"], { signal: interrupt.signal, stdout });
    expect(run.code).toBe(130);
    expect(run.stderr).toBe(
      "error: interrupted (Ctrl-C) during the upload; no execution was started. The uploaded artifacts stay (content-addressed, harmless); rerun to start financialDaily\n",
    );
    expect(run.stdout).not.toContain("started");
    await nothingHappened();
  });

  it("--wait exits 1 when the execution found another one running: nothing ran for the date", async () => {
    // Runs for 30 s unless the date is the one that finds "another run" (the real definitions' CheckConcurrency).
    const definition = {
      StartAt: "Another run active?",
      States: {
        "Another run active?": { Type: "Choice", Choices: [{ Variable: "$.date", StringEquals: "2026-01-13", Next: "AlreadyRunning" }], Default: "hold" },
        AlreadyRunning: { Type: "Pass", Result: { status: "ALREADY_RUNNING", message: "another execution of fdSlow is running" }, End: true },
        hold: { Type: "Wait", Seconds: 30, Next: "done" },
        done: { Type: "Pass", Result: { status: "SUCCEEDED" }, End: true },
      },
    };
    const fdSlow = await createStateMachine(sfn(), "emr-platform-local-fd-slow", definition);
    const outputs = { ...stackOutputs(), pipelines: JSON.stringify({ fdSlow: { stateMachineArn: fdSlow, runtime: "cluster", schedule: null, trigger: null, steps: ["hold"] } }) };
    expect((await emr(["pipeline", "run", "local", "fdSlow", "--date", "2026-01-12"], { runId: () => "first" }, outputs)).code).toBe(0);
    const run = await emr(["pipeline", "run", "local", "fdSlow", "--date", "2026-01-13", "--wait"], { runId: () => "second" }, outputs);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: another execution (cli-2026-01-12-first) is running; nothing ran for 2026-01-13. fix: rerun once it has ended (npm run emr -- pipeline history local fdSlow)\n");
    expect(run.stdout).toContain("fdSlow · cli-2026-01-13-second: SUCCEEDED (date 2026-01-13), output status ALREADY_RUNNING: another execution of fdSlow is running");
    expect(run.stdout).not.toContain("[3/3] wait for the execution … done");
  });

  it("--wait exits 2 with the verdict's reason when a gate stopped the run, and 0 for an output status SUCCEEDED", async () => {
    const verdict = { verdict: "stop", job: "data_quality", reason: "3 of 8 rows break close > 0", details: {} };
    const stopped = await createStateMachine(sfn(), "emr-platform-local-fd-gate", endsWith({ status: "GATE_STOPPED", verdict }));
    const ok = await createStateMachine(sfn(), "emr-platform-local-fd-ok", endsWith({ status: "SUCCEEDED" }));
    const pipelines = { fdGate: { stateMachineArn: stopped, runtime: "transient", steps: ["gate"] }, fdOk: { stateMachineArn: ok, runtime: "transient", steps: ["gate"] } };
    const outputs = { ...stackOutputs(), pipelines: JSON.stringify(pipelines) };
    const gate = await emr(["pipeline", "run", "local", "fdGate", "--date", "2026-01-12", "--wait"], {}, outputs);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toBe(
      `error: fdGate stopped at the gate for 2026-01-12: data_quality: 3 of 8 rows break close > 0; nothing after the gate ran. details: npm run emr -- pipeline status local fdGate cli-2026-01-12-${RUN_ID}\n`,
    );
    const succeeded = await emr(["pipeline", "run", "local", "fdOk", "--date", "2026-01-12", "--wait"], {}, outputs);
    expect(succeeded.stderr).toBe("");
    expect(succeeded.code).toBe(0);
  });

  it("names the service and the variable that chose its endpoint when it cannot be reached, before uploading", async () => {
    const saved = process.env.AWS_ENDPOINT_URL_SFN;
    process.env.AWS_ENDPOINT_URL_SFN = "http://127.0.0.1:1";
    let run;
    try {
      run = await emr(["pipeline", "run", "local", "financialDaily", "--date", "2026-01-21"], { env: { ...process.env, AWS_MAX_ATTEMPTS: "1" } });
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SFN;
      else process.env.AWS_ENDPOINT_URL_SFN = saved;
    }
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: cannot reach the Step Functions endpoint http://127.0.0.1:1 (AWS_ENDPOINT_URL_SFN): connect ECONNREFUSED 127.0.0.1:1; fix: check the network or AWS_ENDPOINT_URL_SFN\n");
    await nothingHappened();
  });

  it("`start` is `run`", async () => {
    const run = await emr(["pipeline", "start", "local", "financialDaily", "--date", "2026-01-12"]);
    expect(run.code).toBe(0);
    expect(await executions(machines.daily)).toHaveLength(1);
  });
});

describe("pipeline list", () => {
  it("lists each pipeline with runtime, schedule, trigger, steps and its last run", async () => {
    expect((await emr(["pipeline", "run", "local", "financialDaily", "--date", "2026-01-12", "--wait"])).code).toBe(0);
    const run = await emr(["pipeline", "list", "local"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^pipeline +runtime +schedule +trigger +steps +last run$/);
    expect(lines[1]).toMatch(/^broken +cluster +- +- +1 +never$/);
    expect(lines[2]).toMatch(/^financialDaily +transient +0 2 \* \* \? \* \(Europe\/London\) +raw\/ohlcv\/…\/_SUCCESS +3 +SUCCEEDED \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\d/);
    expect(lines[3]).toMatch(/^slow +cluster/);
    expect(lines).toHaveLength(4);
  });

  it("does not advise --state-machine-arn, which list does not take, when the outputs name no pipelines", async () => {
    const { pipelines: _none, ...outputs } = stackOutputs();
    const run = await emr(["pipeline", "list", "local"], {}, outputs);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: the pipelines of local are unknown: the stack has no pipelines output (deployed before pipelines existed); fix: npm run deploy -- local\n");
  });

  it("says so when the environment runs no pipelines", async () => {
    const run = await emr(["pipeline", "list", "local"], {}, { ...stackOutputs(), pipelines: "{}" });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("local runs no pipelines\n");
  });

  it("rejects a malformed pipelines output with one line naming the field", async () => {
    const run = await emr(["pipeline", "list", "local"], {}, { ...stackOutputs(), pipelines: JSON.stringify({ daily: { stateMachineArn: "nope", runtime: "transient", steps: [] } }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: the stack's pipelines output is malformed at daily.stateMachineArn: a state machine ARN; fix: redeploy the environment\n");
  });
});

describe("pipeline status and history", () => {
  it("status shows the latest execution by default, and a named one on request", async () => {
    expect((await emr(["pipeline", "run", "local", "financialDaily", "--date", FAIL_DATE, "--wait"])).code).toBe(1);
    const latest = await emr(["pipeline", "status", "local", "financialDaily"]);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toContain(`financialDaily · cli-${FAIL_DATE}-${RUN_ID}: FAILED (date ${FAIL_DATE})`);
    expect(latest.stdout).toMatch(/ {2}gate +Choice +succeeded/);
    expect(latest.stdout).toContain(`  failed at "QualityGateFailed": QualityGateFailed`);

    const named = await emr(["pipeline", "status", "local", "financialDaily", `cli-${FAIL_DATE}-${RUN_ID}`]);
    expect(named.stdout).toBe(latest.stdout);
  });

  it("status of an execution that does not exist is one line with the fix", async () => {
    const run = await emr(["pipeline", "status", "local", "financialDaily", "cli-nope"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: execution cli-nope does not exist; fix: list them with: npm run emr -- pipeline history local financialDaily\n");
  });

  it("status refuses an empty execution argument, a malformed ARN and another pipeline's execution, with no call", async () => {
    const empty = await emr(["pipeline", "status", "local", "financialDaily", ""]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe("error: the execution argument is empty (an unset variable?); fix: an execution name from npm run emr -- pipeline history local financialDaily, or leave it out for the latest\n");
    const nonsense = await emr(["pipeline", "status", "local", "financialDaily", "arn:nonsense"]);
    expect(nonsense.stderr).toBe('error: "arn:nonsense" is not an execution name or ARN; fix: a name from npm run emr -- pipeline history local financialDaily\n');
    expect((await emr(["pipeline", "run", "local", "broken", "--date", "2026-01-12", "--wait"])).code).toBe(1);
    const [brokenRun] = await executions(machines.broken);
    const other = await emr(["pipeline", "status", "local", "financialDaily", brokenRun.executionArn!]);
    expect(other.code).toBe(1);
    expect(other.stderr).toBe(
      `error: execution ${brokenRun.name} belongs to emr-platform-local-broken, not financialDaily (emr-platform-local-financialDaily); fix: npm run emr -- pipeline status local broken ${brokenRun.name}\n`,
    );
  });

  it("status names the missing code manifest or pre-run input and the fix when reading it failed", async () => {
    const read = (key: string, resource: "getObject" | "headObject") => ({
      Type: "Task",
      Resource: `arn:aws:states:::aws-sdk:s3:${resource}`,
      Parameters: { Bucket: "emr-local-artifacts", Key: key },
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "NotifyFailure" }],
      End: true,
    });
    const fail = { Type: "Fail", Error: "PipelineFailed", Cause: "a pre-run check failed" };
    const manifest = await createStateMachine(sfn(), "emr-platform-local-fd-manifest", { StartAt: "LoadCodeManifest", States: { LoadCodeManifest: read("jobs/pipeline-code.json", "getObject"), NotifyFailure: fail } });
    const rules = await createStateMachine(sfn(), "emr-platform-local-fd-rules", { StartAt: "CheckInputs", States: { CheckInputs: read("jobs/rules/ohlcv.json", "headObject"), NotifyFailure: fail } });
    const pipelines = { fdManifest: { stateMachineArn: manifest, runtime: "transient", steps: ["x"] }, fdRules: { stateMachineArn: rules, runtime: "transient", steps: ["x"] } };
    const outputs = { ...stackOutputs(), pipelines: JSON.stringify(pipelines) };
    // As the scheduler starts it: no input.
    for (const arn of [manifest, rules]) await sfn().send(new StartExecutionCommand({ stateMachineArn: arn, name: "sched-1", input: "{}" }));
    const deadline = Date.now() + 20_000;
    while ((await executions(manifest)).concat(await executions(rules)).some((e) => e.status === "RUNNING") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    const noManifest = await emr(["pipeline", "status", "local", "fdManifest"], {}, outputs);
    expect(noManifest.code).toBe(0);
    expect(noManifest.stdout).toContain(
      "  the code manifest s3://emr-local-artifacts/jobs/pipeline-code.json is missing (or the role may not list the bucket); fix: npm run deploy -- local, or npm run emr -- upload local --for-schedules\n",
    );
    const noRules = await emr(["pipeline", "status", "local", "fdRules"], {}, outputs);
    expect(noRules.stdout).toContain("  s3://emr-local-artifacts/jobs/rules/ohlcv.json is missing (or the role may not list the bucket); fix: npm run deploy -- local (it deploys the pipelines' inputs under jobs/)\n");
  });

  it("status of a pipeline that never ran says how to start it", async () => {
    const run = await emr(["pipeline", "status", "local", "broken"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("broken has not run yet; start it with: npm run emr -- pipeline run local broken\n");
  });

  it("history lists the newest executions first, up to --limit", async () => {
    let n = 0;
    const runId = () => `run${++n}`;
    for (const date of ["2026-01-10", "2026-01-11", "2026-01-12"]) expect((await emr(["pipeline", "run", "local", "financialDaily", "--date", date, "--wait"], { runId })).code).toBe(0);
    const run = await emr(["pipeline", "history", "local", "financialDaily", "--limit", "2"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^execution +status +started +duration$/);
    expect(lines.slice(1).map((l) => l.split(/ +/).slice(0, 2))).toEqual([
      ["cli-2026-01-12-run3", "SUCCEEDED"],
      ["cli-2026-01-11-run2", "SUCCEEDED"],
    ]);
  });

  it("status prints the tail of the failed EMR step's stderr from the log bucket (recorded addStep.sync history)", async () => {
    const stderr = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`).join("\n") + "\nValueError: column close is missing\n";
    await s3().send(new PutObjectCommand({ Bucket: "emr-local-logs", Key: "emr/j-1K48XXXXXXHCB/steps/s-2M3XXXXXXXXXX/stderr.gz", Body: gzipSync(stderr) }));
    const recorded = recordedSfn({ DescribeExecutionCommand: [ADD_STEP_FAILED_EXECUTION], GetExecutionHistoryCommand: [{ events: ADD_STEP_FAILED_HISTORY }] });
    const run = await emr(["pipeline", "status", "local", "financialDaily", "cli-2026-01-12-rec"], { clients: { sfn: recorded.client } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ {2}CreateCluster +Task +succeeded +1 /);
    expect(run.stdout).toMatch(/ {2}process +Task +caught +1 /);
    expect(run.stdout).toMatch(/ {2}TerminateCluster +Task +succeeded/);
    expect(run.stdout).toContain(`  failed at "process": States.TaskFailed (step s-2M3XXXXXXXXXX FAILED: Unknown Error.)`);
    expect(run.stdout).toContain("  last 40 lines of stderr (step s-2M3XXXXXXXXXX on j-1K48XXXXXXHCB, s3://emr-local-logs/emr/j-1K48XXXXXXHCB/steps/s-2M3XXXXXXXXXX/stderr.gz):");
    expect(run.stdout).toContain("    ValueError: column close is missing");
    expect(run.stdout).toContain("    line 22\n");
    expect(run.stdout).not.toContain("    line 21\n");
    expect(recorded.calls.map((c) => c.command).sort()).toEqual(["DescribeExecutionCommand", "GetExecutionHistoryCommand"]);
  });

  it("run --wait exits 1 naming the failed EMR step, after printing its stderr tail (recorded addStep.sync history)", async () => {
    await s3().send(new PutObjectCommand({ Bucket: "emr-local-logs", Key: "emr/j-1K48XXXXXXHCB/steps/s-2M3XXXXXXXXXX/stderr.gz", Body: gzipSync("Traceback\nValueError: column close is missing\n") }));
    const recorded = recordedSfn({
      DescribeStateMachineCommand: [{ stateMachineArn: machines.daily, name: "emr-platform-local-financialDaily" }],
      StartExecutionCommand: [{ executionArn: ADD_STEP_FAILED_EXECUTION.executionArn, startDate: ADD_STEP_FAILED_EXECUTION.startDate }],
      DescribeExecutionCommand: [ADD_STEP_FAILED_EXECUTION],
      GetExecutionHistoryCommand: [{ events: ADD_STEP_FAILED_HISTORY }],
    });
    const run = await emr(["pipeline", "run", "local", "financialDaily", "--date", "2026-01-12", "--wait"], { clients: { sfn: recorded.client }, runId: () => "rec" });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: financialDaily execution cli-2026-01-12-rec FAILED at state "process": States.TaskFailed; details: npm run emr -- pipeline status local financialDaily cli-2026-01-12-rec\n',
    );
    expect(run.stdout).toContain("  waiting for s3://emr-local-logs/emr/j-1K48XXXXXXHCB/steps/s-2M3XXXXXXXXXX/stderr.gz");
    expect(run.stdout).toContain("    ValueError: column close is missing");
    expect(recorded.calls[0]).toMatchObject({ command: "DescribeStateMachineCommand", input: { stateMachineArn: machines.daily } });
    expect(recorded.calls[1]).toMatchObject({ command: "StartExecutionCommand", input: { stateMachineArn: machines.daily, name: "cli-2026-01-12-rec" } });
  });

  it("run --wait shows a stderr already in S3 even when one read outlasts the log wait (the parallel-run flake)", async () => {
    // Under the full parallel jest run a GetObject to moto took longer than TIMING.logWaitMs (50 ms): the deadline cut
    // the only read and the tail was reported "not there yet". A 300 ms read makes that deterministic.
    await s3().send(new PutObjectCommand({ Bucket: "emr-local-logs", Key: "emr/j-1K48XXXXXXHCB/steps/s-2M3XXXXXXXXXX/stderr.gz", Body: gzipSync("Traceback\nValueError: column close is missing\n") }));
    const slow = s3();
    const send = slow.send.bind(slow) as (command: unknown, options?: unknown) => Promise<unknown>;
    slow.send = (async (command: unknown, options?: unknown) => {
      if (command instanceof GetObjectCommand) await new Promise((resolve) => setTimeout(resolve, 300));
      return send(command, options);
    }) as S3Client["send"];
    const recorded = recordedSfn({
      DescribeStateMachineCommand: [{ stateMachineArn: machines.daily, name: "emr-platform-local-financialDaily" }],
      StartExecutionCommand: [{ executionArn: ADD_STEP_FAILED_EXECUTION.executionArn, startDate: ADD_STEP_FAILED_EXECUTION.startDate }],
      DescribeExecutionCommand: [ADD_STEP_FAILED_EXECUTION],
      GetExecutionHistoryCommand: [{ events: ADD_STEP_FAILED_HISTORY }],
    });
    const run = await emr(["pipeline", "run", "local", "financialDaily", "--date", "2026-01-12", "--wait"], { clients: { sfn: recorded.client, s3: slow }, runId: () => "rec" });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain("warning:");
    expect(run.stdout).toContain("    ValueError: column close is missing");
  });

  it("status warns, without failing, when EMR has not copied the stderr yet", async () => {
    const recorded = recordedSfn({ DescribeExecutionCommand: [ADD_STEP_FAILED_EXECUTION], GetExecutionHistoryCommand: [{ events: ADD_STEP_FAILED_HISTORY }] });
    const run = await emr(["pipeline", "status", "local", "financialDaily", "cli-2026-01-12-rec"], { clients: { sfn: recorded.client } });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      "warning: the stderr of step s-2M3XXXXXXXXXX on j-1K48XXXXXXHCB is not at s3://emr-local-logs/emr/j-1K48XXXXXXHCB/steps/s-2M3XXXXXXXXXX/stderr.gz yet (EMR copies it within minutes); rerun this command later\n",
    );
  });
});

describe("pipeline --help", () => {
  const commands = [["pipeline"], ["pipeline", "run"], ["pipeline", "status"], ["pipeline", "history"], ["pipeline", "list"]];
  it.each(commands.map((argv) => [argv.join(" "), argv]))("%s --help exits 0 with usage", async (_label, argv) => {
    const { root } = tempRepo();
    const run = await runCaptured([...argv, "--help"], root);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: emr ${argv.join(" ")}(\\|start)? `));
  });
});
