/**
 * The synthesized pipeline definitions, executed by moto's Step Functions interpreter after a test-only rewrite of
 * the EMR tasks (test/support/pipeline-rewrite.ts): execution history, retry counts, terminate on every failure,
 * the SNS notification (read through an SQS subscription), and the concurrency guard.
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
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { loadEnvironment } from "../../environments";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { MOTO_START_TIME, rewriteForMoto, type RewriteOptions } from "../support/pipeline-rewrite";
import { useMoto } from "../support/moto-server";

jest.setTimeout(120_000);
const moto = useMoto();

/** The dev stack's state-machine definitions by pipeline name, as synthesized. */
function synthesizedDefinitions(): Record<string, string> {
  const stack = new EmrPlatformStack(Testing.app(), "emr-dev", loadEnvironment("dev"));
  const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, any>>> };
  return Object.fromEntries(
    Object.values(json.resource.aws_sfn_state_machine).map((sm) => [String(sm.name).replace(/^emr-platform-dev-/, ""), String(sm.definition)]),
  );
}

const INPUT = {
  date: "2026-01-31T02:00:00Z",
  code: {
    pyFiles: "s3://artifacts/jobs/0123456789abcdef/emr_jobs.zip",
    entrypoints: {
      data_quality: "s3://artifacts/jobs/1111/data_quality.py",
      financial_data_processor: "s3://artifacts/jobs/2222/financial_data_processor.py",
      smoke_test: "s3://artifacts/jobs/3333/smoke_test.py",
    },
  },
};

let definitions: Record<string, string>;
let sfn: SFNClient;
let sqs: SQSClient;
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
  topicArn = (await sns.send(new CreateTopicCommand({ Name: "emr-platform-dev-alarms" }))).TopicArn as string;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "notifications" }))).QueueUrl as string;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }));
  definitions = synthesizedDefinitions();
});

/** Terraform references in the definition → what moto knows (the topic) or stand-ins. */
function reference(ref: string): string {
  if (ref.includes("aws_sns_topic.")) return topicArn;
  if (ref.includes("storage_data")) return "emr-platform-dev-data";
  if (ref.includes("storage_artifacts")) return "emr-platform-dev-artifacts";
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

async function createMachine(pipeline: string, options: RewriteOptions): Promise<string> {
  const definition = rewriteForMoto(definitions[pipeline], { ...options, references: reference });
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

async function execute(pipeline: string, options: RewriteOptions = {}, input: object = INPUT): Promise<Run> {
  const stateMachineArn = await createMachine(pipeline, options);
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${++counter}`, input: JSON.stringify(input) }));
  return waitFor(started.executionArn as string);
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

describe("transient pipeline (financial-daily) under moto", () => {
  test("success: concurrency check, create, every step in order, terminate, succeed; the run date comes from the input", async () => {
    const run = await execute("financial-daily");
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.filter((s) => !s.endsWith("?"))).toEqual([
      "CheckConcurrency",
      "DateFromInput",
      "CreateCluster",
      "Run quality_gate",
      "Run process",
      "Run archive",
      "TerminateCluster",
      "Succeeded",
    ]);
    expect(run.output.run.date).toBe("2026-01-31");
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

  test("createCluster failing goes straight to the notification: no terminate, retried once", async () => {
    const run = await execute("financial-daily", { fail: ["CreateCluster"] });
    expect(run.status).toBe("FAILED");
    expect(failedAttempts(run, "CreateCluster")).toBe(2);
    expect(run.entered.slice(run.entered.indexOf("CreateCluster"))).toEqual(["CreateCluster", "NotifyFailure", "PipelineFailed"]);
    expect(await notifications()).toHaveLength(1);
  });

  test("the quality gate exiting 2 stops cleanly: terminate, notify, succeed without processing", async () => {
    const run = await execute("financial-daily", { gateExit: ["Run quality_gate"] });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.slice(run.entered.indexOf("Run quality_gate"))).toEqual([
      "Run quality_gate",
      "Gate quality_gate passed?",
      "TerminateAfterGate",
      "NotifyGateStopped",
      "GateStopped",
    ]);
    expect(run.entered).not.toContain("Run process");
    expect((await notifications()).map((m) => m.Subject)).toEqual(["emr-platform-dev-financial-daily: quality gate stopped the run"]);
  });

  test("a step with onFailure continue fails, the run goes on and still terminates", async () => {
    const run = await execute("financial-daily", { fail: ["Run archive"] });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.slice(-2)).toEqual(["TerminateCluster", "Succeeded"]);
    expect(run.output.lastFailure.Error).toMatch(/Exception$/);
  });

  test("without a date the run takes its logical date from the execution's start time", async () => {
    const { date: _date, ...withoutDate } = INPUT;
    const run = await execute("financial-daily", {}, withoutDate);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered).toContain("DateFromStartTime");
    expect(run.output.run.date).toBe(MOTO_START_TIME.slice(0, 10));
  });

  test("a second run while one is active ends at once and creates no cluster", async () => {
    const stateMachineArn = await createMachine("financial-daily", { slow: { CreateCluster: 4 } });
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${++counter}`, input: JSON.stringify(INPUT) }));
    await new Promise((r) => setTimeout(r, 1000));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${++counter}`, input: JSON.stringify(INPUT) }));
    const refused = await waitFor(second.executionArn as string);
    expect(refused.status).toBe("SUCCEEDED");
    expect(refused.output.status).toBe("ALREADY_RUNNING");
    expect(refused.entered).toEqual(["CheckConcurrency", "Another run active?", "AlreadyRunning"]);
    const completed = await waitFor(first.executionArn as string);
    expect(completed.status).toBe("SUCCEEDED");
    expect(completed.entered).toContain("CreateCluster");
  });
});

describe("cluster pipeline (smoke-nightly) under moto", () => {
  test("a parallel group runs both steps on the environment's cluster", async () => {
    const run = await execute("smoke-nightly");
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered).toEqual(expect.arrayContaining(["Run parallel_1", "Run smoke_small", "Run smoke_large", "Succeeded"]));
    expect(run.entered).not.toContain("CreateCluster");
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

describe("the workload pipelines under moto (issue 12's jobs as steps)", () => {
  test("claims-daily: dedup, then fraud detection on its kept rows, on a transient cluster", async () => {
    const run = await execute("claims-daily");
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.filter((s) => !s.endsWith("?"))).toEqual([
      "CheckConcurrency",
      "DateFromInput",
      "CreateCluster",
      "Run dedup_claims",
      "Run detect_fraud",
      "TerminateCluster",
      "Succeeded",
    ]);
  });

  test("tracker-daily: compare exiting 2 (too many differences) stops cleanly with a notification, on the shared cluster", async () => {
    const run = await execute("tracker-daily", { gateExit: ["Run compare_official"] });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.entered.slice(run.entered.indexOf("Run aggregate"))).toEqual(["Run aggregate", "Run compare_official", "Gate compare_official passed?", "NotifyGateStopped", "GateStopped"]);
    expect(run.entered.some((s) => s.startsWith("Terminate"))).toBe(false);
    expect((await notifications()).map((m) => m.Subject)).toEqual(["emr-platform-dev-tracker-daily: quality gate stopped the run"]);
  });
});
