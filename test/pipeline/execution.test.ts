/**
 * The synthesized pipeline definitions, executed by moto's Step Functions interpreter after a test-only rewrite of
 * the EMR tasks (test/support/pipeline-rewrite.ts): execution history, retry counts, terminate on every failure,
 * the SNS notification (read through an SQS subscription), the concurrency guard, the gates' verdict objects and
 * the pre-run checks (both read from moto's S3), and where the run's date comes from.
 */
import { Testing } from "cdktf";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from "@aws-sdk/client-sfn";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { loadEnvironment } from "../../environments";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { MOTO_START_TIME, rewriteForMoto, type RewriteOptions } from "../support/pipeline-rewrite";
import { useMoto } from "../support/moto-server";

jest.setTimeout(120_000);
const moto = useMoto();

/** An environment's state-machine definitions by pipeline name, as synthesized. */
function synthesizedDefinitions(env = "dev"): Record<string, string> {
  const stack = new EmrPlatformStack(Testing.app(), `emr-${env}`, loadEnvironment(env));
  const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, any>>> };
  return Object.fromEntries(
    Object.values(json.resource.aws_sfn_state_machine).map((sm) => [String(sm.name).replace(`emr-platform-${env}-`, ""), String(sm.definition)]),
  );
}

const DATA_BUCKET = "emr-platform-dev-data";
const ARTIFACTS_BUCKET = "emr-platform-dev-artifacts";
const RULES_KEY = "jobs/rules/ohlcv.json";

const INPUT = {
  date: "2026-01-31",
  code: {
    pyFiles: "s3://artifacts/jobs/0123456789abcdef/emr_jobs.zip",
    entrypoints: {
      data_quality: "s3://artifacts/jobs/1111/data_quality.py",
      financial_data_processor: "s3://artifacts/jobs/2222/financial_data_processor.py",
      smoke_test: "s3://artifacts/jobs/3333/smoke_test.py",
      dedup: "s3://artifacts/jobs/4444/dedup.py",
      fraud_detection: "s3://artifacts/jobs/5555/fraud_detection.py",
      aggregate: "s3://artifacts/jobs/6666/aggregate.py",
      compare: "s3://artifacts/jobs/7777/compare.py",
    },
  },
};

let definitions: Record<string, string>;
/** local runs trackerDaily on EMR Serverless (environments/local.ts). */
let serverlessDefinitions: Record<string, string>;
let sfn: SFNClient;
let sqs: SQSClient;
let s3: S3Client;
let topicArn: string;
let queueUrl: string;
let counter = 0;

beforeAll(async () => {
  const { endpoint } = moto();
  await fetch(`${endpoint}/moto-api/config`, { method: "POST", body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }) });
  const client = { endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  sfn = new SFNClient(client);
  sqs = new SQSClient(client);
  const sns = new SNSClient(client);
  s3 = new S3Client({ ...client, forcePathStyle: true });
  for (const Bucket of [DATA_BUCKET, ARTIFACTS_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket }));
  await s3.send(new PutObjectCommand({ Bucket: ARTIFACTS_BUCKET, Key: RULES_KEY, Body: "{}" }));
  // The gates' verdicts for the default date: pass.
  await putVerdict("processed/quality/2026-01-31/verdict.json", "pass");
  await putVerdict("processed/tracker-diff/2026-01-31/verdict.json", "pass");
  topicArn = (await sns.send(new CreateTopicCommand({ Name: "emr-platform-dev-alarms" }))).TopicArn as string;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "notifications" }))).QueueUrl as string;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }));
  definitions = synthesizedDefinitions();
  serverlessDefinitions = synthesizedDefinitions("local");
});

/** What a gate job writes with --verdict (the contract between the gate jobs and the state machine). */
async function putVerdict(key: string, verdict: string): Promise<void> {
  const body = { verdict, job: key.includes("quality") ? "data_quality" : "compare", reason: `${verdict} (test)`, details: {} };
  // The metadata copy is for moto only (see test/support/pipeline-rewrite.ts): the state machine reads the body.
  await s3.send(new PutObjectCommand({ Bucket: DATA_BUCKET, Key: key, Body: JSON.stringify(body), Metadata: { verdict: JSON.stringify(body) } }));
}

/** Terraform references in the definition → what moto knows (the topic) or stand-ins. */
function reference(ref: string): string {
  if (ref.includes("aws_sns_topic.")) return topicArn;
  if (ref.includes("storage_data")) return DATA_BUCKET;
  if (ref.includes("storage_artifacts")) return ARTIFACTS_BUCKET;
  if (ref.includes("storage_logs")) return "emr-platform-dev-logs";
  if (ref.includes("aws_emr_cluster.")) return "j-ENVCLUSTER";
  return "stand-in";
}

interface Run {
  status: string;
  output: any;
  events: HistoryEvent[];
  entered: string[];
}

async function createMachine(pipeline: string, options: RewriteOptions, from = definitions): Promise<string> {
  const definition = await rewriteForMoto(from[pipeline], { ...options, references: reference });
  const created = await sfn.send(
    new CreateStateMachineCommand({ name: `${pipeline}-${++counter}`, definition, roleArn: "arn:aws:iam::123456789012:role/pipeline" }),
  );
  return created.stateMachineArn as string;
}

async function waitFor(executionArn: string): Promise<Run> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== "RUNNING") {
      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
      const events = history.events ?? [];
      return {
        status: described.status as string,
        output: described.output ? JSON.parse(described.output) : undefined,
        events,
        entered: events.filter((e) => e.type?.endsWith("StateEntered")).map((e) => e.stateEnteredEventDetails?.name as string),
      };
    }
    if (Date.now() > deadline) throw new Error(`execution ${executionArn} still RUNNING after 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function execute(pipeline: string, options: RewriteOptions = {}, input: object = INPUT, from = definitions): Promise<Run> {
  const stateMachineArn = await createMachine(pipeline, options, from);
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${++counter}`, input: JSON.stringify(input) }));
  const run = await waitFor(started.executionArn as string);
  return run;
}

/**
 * Failed attempts of one state: TaskFailed events whose previousEventId chain leads back to that state's entry.
 * (Parallel branches interleave their events, so "the last state entered" can belong to the other branch.)
 */
function failedAttempts(run: Run, state: string): number {
  const byId = new Map(run.events.map((event) => [event.id, event]));
  const stateOf = (event: HistoryEvent): string | undefined => {
    for (let at: HistoryEvent | undefined = event; at; at = at.previousEventId ? byId.get(at.previousEventId) : undefined) {
      if (at.type?.endsWith("StateEntered")) return at.stateEnteredEventDetails?.name;
    }
    return undefined;
  };
  return run.events.filter((event) => event.type === "TaskFailed" && stateOf(event) === state).length;
}

async function notifications(): Promise<{ Subject: string; Message: string }[]> {
  const out: { Subject: string; Message: string }[] = [];
  for (let i = 0; i < 3; i++) {
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    for (const m of received.Messages ?? []) {
      out.push(JSON.parse(m.Body as string));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    if (out.length) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return out;
}

/** The states a successful financial-daily run passes through, Choices left out. */
const FINANCIAL_PATH = ["CheckConcurrency", "DateFromInput", "CheckObject1", "CreateCluster", "Run quality_gate", "Read quality_gate verdict", "Run process", "Run archive", "TerminateCluster", "Succeeded"];

describe("transient pipeline (financial-daily) under moto", () => {
  test("success: concurrency check, date, pre-run check, create, every step in order, terminate; status SUCCEEDED", async () => {
    const run = await execute("financial-daily");
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.filter((s) => !s.endsWith("?"))).toEqual(FINANCIAL_PATH);
    expect(run.output.status).toBe("SUCCEEDED");
    expect(run.output.run).toEqual({ date: "2026-01-31", source: "input" });
    expect(run.output.gate.verdict.verdict).toBe("pass");
    expect(run.output.cluster.clusterId).toBe("j-TESTCLUSTER");
    expect(await notifications()).toEqual([]);
  });

  test("a failing step is retried exactly `retries` times, then the cluster is terminated, SNS notified, the run fails", async () => {
    const run = await execute("financial-daily", { fail: ["Run process"] });
    expect(run.status).toBe("FAILED");
    expect(failedAttempts(run, "Run process")).toBe(2); // 1 attempt + retries: 1
    const tail = run.entered.slice(run.entered.indexOf("Run process"));
    expect(tail).toEqual(["Run process", "TerminateAfterFailure", "NotifyFailure", "PipelineFailed"]);
    expect(run.entered).not.toContain("Run archive");
    const [message] = await notifications();
    expect(message.Subject).toBe("emr-platform-dev-financial-daily: pipeline failed");
    expect(JSON.parse(message.Message).error.Error).toMatch(/Exception$/);
  });

  test("every post-create failure reaches terminate before the notification", async () => {
    for (const state of ["Run quality_gate", "Run process", "TerminateCluster"]) {
      const run = await execute("financial-daily", { fail: [state] });
      expect({ state, status: run.status }).toEqual({ state, status: "FAILED" });
      const terminate = run.entered.lastIndexOf("TerminateAfterFailure");
      expect({ state, terminateBeforeNotify: terminate >= 0 && terminate < run.entered.indexOf("NotifyFailure") }).toEqual({ state, terminateBeforeNotify: true });
      expect((await notifications()).map((m) => m.Subject)).toEqual(["emr-platform-dev-financial-daily: pipeline failed"]);
    }
  });

  test("a gate that breaks (exit non-zero) is a failure, run once: no retry, no verdict read", async () => {
    const run = await execute("financial-daily", { fail: ["Run quality_gate"] });
    expect(run.status).toBe("FAILED");
    expect(failedAttempts(run, "Run quality_gate")).toBe(1);
    expect(run.entered).not.toContain("Read quality_gate verdict");
    expect(run.entered.slice(run.entered.indexOf("Run quality_gate"))).toEqual(["Run quality_gate", "TerminateAfterFailure", "NotifyFailure", "PipelineFailed"]);
    await notifications();
  });

  test("createCluster failing goes straight to the notification: no terminate, retried once", async () => {
    const run = await execute("financial-daily", { fail: ["CreateCluster"] });
    expect(run.status).toBe("FAILED");
    expect(failedAttempts(run, "CreateCluster")).toBe(2);
    expect(run.entered.slice(run.entered.indexOf("CreateCluster"))).toEqual(["CreateCluster", "NotifyFailure", "PipelineFailed"]);
    expect(await notifications()).toHaveLength(1);
  });

  test("a \"stop\" verdict stops cleanly: the gate runs once, terminate, notify, GATE_STOPPED with the verdict, no processing", async () => {
    await putVerdict("processed/quality/2026-02-02/verdict.json", "stop");
    const run = await execute("financial-daily", {}, { ...INPUT, date: "2026-02-02" });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.slice(run.entered.indexOf("Run quality_gate"))).toEqual([
      "Run quality_gate",
      "Read quality_gate verdict",
      "Gate quality_gate passed?",
      "TerminateAfterGate",
      "NotifyGateStopped",
      "GateStopped",
    ]);
    expect(run.entered.filter((s) => s === "Run quality_gate")).toHaveLength(1);
    expect(run.entered).not.toContain("Run process");
    expect(run.output).toEqual({
      status: "GATE_STOPPED",
      verdict: { verdict: "stop", job: "data_quality", reason: "stop (test)", details: {} },
      run: { date: "2026-02-02", source: "input" },
    });
    expect((await notifications()).map((m) => m.Subject)).toEqual(["emr-platform-dev-financial-daily: quality gate stopped the run"]);
  });

  test("a missing or unknown verdict is a failure, not a pass", async () => {
    const missing = await execute("financial-daily", {}, { ...INPUT, date: "2026-02-03" });
    expect(missing.status).toBe("FAILED");
    expect(missing.entered.slice(missing.entered.indexOf("Read quality_gate verdict"))).toEqual(["Read quality_gate verdict", "TerminateAfterFailure", "NotifyFailure", "PipelineFailed"]);
    await putVerdict("processed/quality/2026-02-04/verdict.json", "maybe");
    const unknown = await execute("financial-daily", {}, { ...INPUT, date: "2026-02-04" });
    expect(unknown.status).toBe("FAILED");
    expect(unknown.entered).toContain("Gate quality_gate passed?");
    expect(unknown.entered).not.toContain("Run process");
    await notifications();
  });

  test("a step with onFailure continue fails, the run goes on and still terminates", async () => {
    const run = await execute("financial-daily", { fail: ["Run archive"] });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.slice(-2)).toEqual(["TerminateCluster", "Succeeded"]);
    expect(run.output.lastFailure.Error).toMatch(/Exception$/);
  });

  test("a scheduled run (no date, no key) processes the day before its start (logicalDateOffsetDays 1)", async () => {
    const { date: _date, ...withoutDate } = INPUT;
    const run = await execute("financial-daily", {}, { ...withoutDate, source: "schedule" });
    expect(MOTO_START_TIME.slice(0, 10)).toBe("2026-02-01");
    expect(run.entered).toContain("DateFromSchedule");
    expect(run.output.run).toEqual({ date: "2026-01-31", source: "schedule" });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered).toEqual(expect.arrayContaining(["DayDone", "CreateCluster"]));
  });

  test("a scheduled run whose day the marker's run already did ends ALREADY_DONE, with no cluster", async () => {
    const key = "processed/financial/_runs/date=2026-01-31/_metrics.json";
    await s3.send(new PutObjectCommand({ Bucket: DATA_BUCKET, Key: key, Body: "{}" }));
    try {
      const { date: _date, ...withoutDate } = INPUT;
      const run = await execute("financial-daily", {}, { ...withoutDate, source: "schedule" });
      expect(run.status).toBe("SUCCEEDED");
      expect(run.output.status).toBe("ALREADY_DONE");
      expect(run.entered.slice(-2)).toEqual(["DayDone", "AlreadyDone"]);
      expect(run.entered).not.toContain("CreateCluster");
      // A person's run of the same day is not skipped: only the schedule is the backstop.
      const manual = await execute("financial-daily");
      expect(manual.output.status).toBe("SUCCEEDED");
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: DATA_BUCKET, Key: key }));
    }
  });

  test("an arrival run takes the date from the marker's key, not from the event time", async () => {
    const { date: _date, ...withoutDate } = INPUT;
    const input = { ...withoutDate, source: "arrival", bucket: DATA_BUCKET, key: "raw/ohlcv/2026-01-31/_SUCCESS", time: "2026-02-01T00:10:00Z" };
    const run = await execute("financial-daily", {}, input);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered).toContain("DateFromKey");
    expect(run.output.run).toEqual({ date: "2026-01-31", source: "arrival" });
  });

  test("a date that is not YYYY-MM-DD fails before any cluster, naming the value", async () => {
    const run = await execute("financial-daily", {}, { ...INPUT, date: "2026-01-31T02:00:00Z" });
    expect(run.status).toBe("FAILED");
    expect(run.entered.filter((s) => !s.endsWith("?"))).toEqual(["CheckConcurrency", "DateFromInput", "InvalidDate", "NotifyFailure", "PipelineFailed"]);
    const [message] = await notifications();
    expect(JSON.parse(message.Message).error).toEqual({
      Error: "Pipeline.InvalidDate",
      Cause: expect.stringContaining("the run date 2026-01-31T02:00:00Z (from the input) is not a day as YYYY-MM-DD"),
    });
  });

  test("a missing rules object fails before the cluster, naming the object and the fix", async () => {
    await s3.send(new DeleteObjectCommand({ Bucket: ARTIFACTS_BUCKET, Key: RULES_KEY }));
    try {
      const run = await execute("financial-daily");
      expect(run.status).toBe("FAILED");
      expect(run.entered.filter((s) => !s.endsWith("?"))).toEqual(["CheckConcurrency", "DateFromInput", "CheckObject1", "ObjectMissing1", "NotifyFailure", "PipelineFailed"]);
      const [message] = await notifications();
      expect(JSON.parse(message.Message).error.Cause).toBe(
        `s3://${ARTIFACTS_BUCKET}/jobs/rules/ohlcv.json is missing (or unreadable); Terraform deploys it from spark-jobs/rules/ohlcv.json; fix: npm run deploy -- dev`,
      );
    } finally {
      await s3.send(new PutObjectCommand({ Bucket: ARTIFACTS_BUCKET, Key: RULES_KEY, Body: "{}" }));
    }
  });

  test("a missing code manifest names the object and the upload that writes it", async () => {
    const { code: _code, ...withoutCode } = INPUT;
    const run = await execute("financial-daily", {}, withoutCode);
    expect(run.status).toBe("FAILED");
    expect(run.entered.filter((s) => !s.endsWith("?"))).toEqual(["CheckConcurrency", "LoadCodeManifest", "CodeManifestMissing", "NotifyFailure", "PipelineFailed"]);
    const [message] = await notifications();
    expect(JSON.parse(message.Message).error.Cause).toBe(`the code manifest s3://${ARTIFACTS_BUCKET}/jobs/pipeline-code.json is missing (or unreadable); deploy writes it; fix: npm run deploy -- dev, or npm run emr -- upload dev --for-schedules`);
  });

  test("of two runs, only the later ends ALREADY_RUNNING, naming the earlier; the earlier creates its cluster", async () => {
    const stateMachineArn = await createMachine("financial-daily", { slow: { CreateCluster: 4 } });
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${++counter}`, input: JSON.stringify(INPUT) }));
    await new Promise((r) => setTimeout(r, 1000));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${++counter}`, input: JSON.stringify(INPUT) }));
    const refused = await waitFor(second.executionArn as string);
    expect(refused.status).toBe("SUCCEEDED");
    expect(refused.output.status).toBe("ALREADY_RUNNING");
    expect(refused.output.runningExecution).toBe(first.executionArn);
    expect(refused.entered).toEqual(["CheckConcurrency", "Another run active?", "OldestRunning", "Started first?", "AlreadyRunning"]);
    const completed = await waitFor(first.executionArn as string);
    expect(completed.status).toBe("SUCCEEDED");
    expect(completed.entered).toContain("CreateCluster");
  });

  test("the earlier run continues while a later one is RUNNING (two simultaneous starts do not both stop)", async () => {
    // The later run is held in CreateCluster; the earlier one, when it reaches the guard, sees two RUNNING and goes on.
    const stateMachineArn = await createMachine("financial-daily", { slow: { CreateCluster: 6 } });
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${++counter}`, input: JSON.stringify(INPUT) }));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${++counter}`, input: JSON.stringify(INPUT) }));
    const [a, b] = await Promise.all([waitFor(first.executionArn as string), waitFor(second.executionArn as string)]);
    expect([a.output.status, b.output.status]).toEqual(["SUCCEEDED", "ALREADY_RUNNING"]);
  });
});

describe("cluster pipeline (smoke-nightly) under moto", () => {
  test("a parallel group runs both steps on the environment's cluster", async () => {
    const run = await execute("smoke-nightly");
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered).toEqual(expect.arrayContaining(["Run parallel_1", "Run smoke_small", "Run smoke_large", "Succeeded"]));
    expect(run.entered).not.toContain("CreateCluster");
    expect(run.output.status).toBe("SUCCEEDED");
  });

  test("a failing branch fails the group, which notifies and fails the run (no terminate on a shared cluster)", async () => {
    const run = await execute("smoke-nightly", { fail: ["Run smoke_large"] });
    expect(run.status).toBe("FAILED");
    expect(failedAttempts(run, "Run smoke_large")).toBe(1); // retries: 0
    expect(run.entered.slice(-2)).toEqual(["NotifyFailure", "PipelineFailed"]);
    expect(run.entered.some((s) => s.startsWith("Terminate"))).toBe(false);
    expect((await notifications()).map((m) => m.Subject)).toEqual(["emr-platform-dev-smoke-nightly: pipeline failed"]);
  });
});

describe("the workload pipelines under moto", () => {
  test("claims-daily: an arrival's date from its key; dedup, then fraud detection on its kept rows, on a transient cluster", async () => {
    const { date: _date, ...withoutDate } = INPUT;
    const run = await execute("claims-daily", {}, { ...withoutDate, source: "arrival", key: "raw/claims/2026-01-05/_SUCCESS", time: "2026-01-06T00:30:00Z" });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.filter((s) => !s.endsWith("?"))).toEqual(["CheckConcurrency", "DateFromKey", "CreateCluster", "Run dedup_claims", "Run detect_fraud", "TerminateCluster", "Succeeded"]);
    expect(run.output.run.date).toBe("2026-01-05");
  });

  test("claims-daily: a marker one folder too deep is not a day, and fails before the cluster", async () => {
    const { date: _date, ...withoutDate } = INPUT;
    const run = await execute("claims-daily", {}, { ...withoutDate, key: "raw/claims/late/2026-01-05/_SUCCESS" });
    expect(run.status).toBe("FAILED");
    expect(run.entered).toContain("InvalidDate");
    expect(run.entered).not.toContain("CreateCluster");
    await notifications();
  });

  test("tracker-daily: a \"stop\" from compare stops cleanly with a notification, on the shared cluster", async () => {
    await putVerdict("processed/tracker-diff/2026-02-02/verdict.json", "stop");
    const run = await execute("tracker-daily", {}, { ...INPUT, date: "2026-02-02" });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.slice(run.entered.indexOf("Run aggregate"))).toEqual([
      "Run aggregate",
      "Run compare_official",
      "Read compare_official verdict",
      "Gate compare_official passed?",
      "NotifyGateStopped",
      "GateStopped",
    ]);
    expect(run.output.status).toBe("GATE_STOPPED");
    expect(run.entered.some((s) => s.startsWith("Terminate"))).toBe(false);
    expect((await notifications()).map((m) => m.Subject)).toEqual(["emr-platform-dev-tracker-daily: quality gate stopped the run"]);
  });
});

describe("serverless pipeline (tracker-daily on local's EMR Serverless application) under moto", () => {
  test("success: no cluster states; both job runs in order, the gate's verdict read after compare; SUCCEEDED", async () => {
    expect(serverlessDefinitions["tracker-daily"]).toContain("arn:aws:states:::emr-serverless:startJobRun.sync");
    const run = await execute("tracker-daily", {}, INPUT, serverlessDefinitions);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.filter((s) => !s.endsWith("?"))).toEqual(["CheckConcurrency", "DateFromInput", "Run aggregate", "Run compare_official", "Read compare_official verdict", "Succeeded"]);
    expect(run.output.status).toBe("SUCCEEDED");
  });

  test("a failing job run is retried `retries` times, then notified; the run fails without any terminate", async () => {
    const run = await execute("tracker-daily", { fail: ["Run aggregate"] }, INPUT, serverlessDefinitions);
    expect(run.status).toBe("FAILED");
    expect(failedAttempts(run, "Run aggregate")).toBe(2); // 1 attempt + retries: 1
    expect(run.entered.slice(-2)).toEqual(["NotifyFailure", "PipelineFailed"]);
    expect(run.entered.some((s) => s.startsWith("Terminate") || s === "CreateCluster")).toBe(false);
    expect((await notifications()).map((m) => m.Subject)).toEqual(["emr-platform-local-tracker-daily: pipeline failed"]);
  });

  test("a \"stop\" from compare stops cleanly: compare runs once, the verdict is read, GATE_STOPPED, notified", async () => {
    await putVerdict("processed/tracker-diff/2026-02-03/verdict.json", "stop");
    const run = await execute("tracker-daily", {}, { ...INPUT, date: "2026-02-03" }, serverlessDefinitions);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.slice(run.entered.indexOf("Run compare_official"))).toEqual(["Run compare_official", "Read compare_official verdict", "Gate compare_official passed?", "NotifyGateStopped", "GateStopped"]);
    expect(run.output.status).toBe("GATE_STOPPED");
    expect((await notifications()).map((m) => m.Subject)).toEqual(["emr-platform-local-tracker-daily: quality gate stopped the run"]);
  });
});
