// stream start|status|stop|put against moto (the real SDK): moto's Kinesis takes the records and gives them back, its
// EMR keeps the steps `start` adds. What moto cannot do (a step that COMPLETES, FAILS or is CANCELLED; CancelSteps;
// PutRecords entries that fail) runs on recorded responses, with S3 still on moto.
import { EMRClient, ListStepsCommand, type StepSummary } from "@aws-sdk/client-emr";
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsCommandInput,
  type PutRecordsCommandOutput,
  type PutRecordsResultEntry,
} from "@aws-sdk/client-kinesis";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { StreamingOutput } from "../../modules/streaming/target";
import { packageJobs } from "../../scripts/lib/job-bundle";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { createBuckets, createCluster } from "../support/emr-fixture";
import { useMoto } from "../support/moto-server";
import { FAILED_STEP, recordedEmr, stepIn } from "../support/recorded-emr";
import { outputJson, RecordingRunner } from "../support/recording-runner";
import { spiedClient } from "../support/spied-client";

const moto = useMoto();
const emr = () => new EMRClient({ region: "us-east-1" });
const s3 = () => new S3Client({ region: "us-east-1", forcePathStyle: true });
// HTTP/1.1, as the CLI's client (scripts/lib/aws-clients.ts): moto's server does not speak the SDK's default HTTP/2.
const kinesis = () => new KinesisClient({ region: "us-east-1", requestHandler: new NodeHttpHandler() });
const RUN_ID = "20260101T000000Z-abcd";
const STREAM = "emr-platform-local-ticks";
const CLUSTER = "j-2AXXXXXXGAPLF";
const PROGRESS_FIXTURE = path.join(__dirname, "..", "..", "spark-jobs", "tests", "fixtures", "progress_record.json");

/** The `streaming` output as modules/streaming writes it (a StreamingOutput, JSON-encoded). */
const STREAMING: StreamingOutput = {
  streamName: STREAM,
  streamArn: `arn:aws:kinesis:us-east-1:123456789012:stream/${STREAM}`,
  outputUri: "s3://emr-local-data/streaming/financial/",
  checkpointUri: "s3://emr-local-data/checkpoints/financial_stream/",
  stopMarkerUri: "s3://emr-local-data/streaming/financial/_control/stop",
  alertsTopicArn: "arn:aws:sns:us-east-1:123456789012:emr-platform-local-alarms",
  progressMetric: { namespace: "EMRPlatform/Jobs", name: "StreamBatchesCompleted" },
  barSeconds: 60,
  watermarkSeconds: 120,
  triggerSeconds: 10,
};

function stackOutputs(streaming: string = JSON.stringify(STREAMING), extra: Record<string, string> = {}): Record<string, string> {
  return { artifacts_bucket: "emr-local-artifacts", data_bucket: "emr-local-data", jobs_prefix: "jobs/", streaming, ...extra };
}

beforeEach(async () => {
  await moto().reset();
  await createBuckets(s3(), ["emr-local-artifacts", "emr-local-data"]);
});

/** Runs the CLI in a temp repository whose spark-jobs has the stream job's entry script, with the stack's outputs. */
async function cli(argv: string[], overrides: Parameters<typeof runCaptured>[2] = {}, outputs = stackOutputs()) {
  const { root, terraformBin } = tempRepo({ stacks: ["local"] });
  writeFileSync(path.join(root, "spark-jobs", "entrypoints", "financial_stream.py"), "from emr_jobs.jobs.financial_stream import main\nmain()\n");
  const runner = new RecordingRunner((call) => (call.args.includes("output") ? { stdout: outputJson(outputs) } : undefined));
  return { root, ...(await runCaptured([...argv, "--terraform-bin", terraformBin], root, { runner, ...overrides })) };
}

async function steps(clusterId: string): Promise<StepSummary[]> {
  return (await emr().send(new ListStepsCommand({ ClusterId: clusterId }))).Steps ?? [];
}

async function exists(bucket: string, key: string): Promise<boolean> {
  try {
    await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

const STOP_KEY = "streaming/financial/_control/stop";

describe("stream start", () => {
  it("adds the financial_stream step with ActionOnFailure CONTINUE and every argument from the streaming output", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const run = await cli(["stream", "start", "local", "--starting-position", "TRIM_HORIZON"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const bundle = await packageJobs(path.join(run.root, "spark-jobs"), "jobs/");
    const [step] = await steps(clusterId);
    expect(step.Name).toBe(`financial_stream ${RUN_ID}`);
    expect(step.ActionOnFailure).toBe("CONTINUE");
    expect(step.Config?.Args).toEqual([
      "spark-submit",
      "--deploy-mode",
      "cluster",
      "--py-files",
      `s3://emr-local-artifacts/${bundle.pyFiles.key}`,
      `s3://emr-local-artifacts/${bundle.entrypoints.financial_stream.key}`,
      ...["--source", "kinesis", "--stream-name", STREAM, "--region", "us-east-1", "--starting-position", "TRIM_HORIZON"],
      ...["--output", STREAMING.outputUri, "--checkpoint", STREAMING.checkpointUri, "--stop-marker", STREAMING.stopMarkerUri],
      ...["--alerts-topic", STREAMING.alertsTopicArn, "--progress-metric", "EMRPlatform/Jobs/StreamBatchesCompleted"],
      ...["--bar-seconds", "60", "--watermark-seconds", "120", "--trigger-seconds", "10"],
    ]);
    expect(run.stdout).toContain(`  follow it: npm run emr -- stream status local   stop it: npm run emr -- stream stop local   step ${step.Id}`);
  });

  it("removes the stop marker the last stop left, so the new step does not stop at its first batch", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    await s3().send(new PutObjectCommand({ Bucket: "emr-local-data", Key: STOP_KEY, Body: "{}" }));
    const run = await cli(["stream", "start", "local"]);
    expect(run.code).toBe(0);
    expect(await exists("emr-local-data", STOP_KEY)).toBe(false);
    expect(run.stdout).toContain(`  removed the stop marker of the last stop (${STREAMING.stopMarkerUri})`);
    // Without --starting-position the job's own default applies: the argument is left out.
    const [step] = await steps(clusterId);
    expect(step.Config?.Args).toContain("--stop-marker");
    expect(step.Config?.Args).not.toContain("--starting-position");
  });

  it("fails if a stream step is already pending or running, before uploading anything", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    expect((await cli(["stream", "start", "local"])).code).toBe(0);
    const [first] = await steps(clusterId);
    const again = await cli(["stream", "start", "local"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `error: a stream step already runs on ${clusterId}: ${first.Id} (${first.Status?.State}, financial_stream ${RUN_ID}); nothing was uploaded or added. ` +
        "fix: npm run emr -- stream status local, or stop it first: npm run emr -- stream stop local\n",
    );
    expect(again.stdout).not.toContain("uploaded");
    expect(await steps(clusterId)).toHaveLength(1);
  });

  it("fails with one line when streaming is not enabled (the output is {})", async () => {
    const run = await cli(["stream", "start", "local"], {}, stackOutputs("{}"));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: streaming is not enabled for local; fix: set streaming.enabled in environments/local.ts and deploy (npm run deploy -- local)\n");
  });

  it("fails with one line naming the field when the output is malformed", async () => {
    const run = await cli(["stream", "status", "local"], {}, stackOutputs(JSON.stringify({ ...STREAMING, streamArn: "ticks" })));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: the stack's streaming output is malformed at streamArn: a Kinesis stream ARN; fix: redeploy the environment (npm run deploy -- local)\n");
  });
});

/** A progress record as financial_stream writes it after batch `id` (one JSON line): a record the job wrote
 * (spark-jobs/tests/fixtures/progress_record.json, whose shape the job's own test holds) with these numbers. */
function progressRecord(id: number, rows: number): string {
  const written = JSON.parse(readFileSync(PROGRESS_FIXTURE, "utf8"));
  const numbers = { batch_id: id, input_rows: rows, rows_per_second: rows / 10, bars: 60, rejected_by_reason: { late: 2, null_price: 1 } };
  return `${JSON.stringify({ ...written, ...numbers, watermark: "2026-01-02T14:31:00Z", latency_ms: { p50: 850, p95: 2300 } })}\n`;
}

async function writeProgress(id: number, rows: number, key = `batch=${id}.json`): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: "emr-local-data", Key: `streaming/financial/progress/${key}`, Body: progressRecord(id, rows) }));
}

describe("stream status", () => {
  it("shows the stream step's state and the highest-numbered progress record (batch 10 is newer than batch 9)", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    expect((await cli(["stream", "start", "local"])).code).toBe(0);
    for (const id of [8, 9, 10]) await writeProgress(id, 1000 + id);
    const run = await cli(["stream", "status", "local"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const [step] = await steps(clusterId);
    expect(run.stdout).toMatch(new RegExp(`^step +state +duration +created +name\\n${step.Id} +RUNNING .* financial_stream ${RUN_ID}\\n`));
    expect(run.stdout).toMatch(
      /progress: batch 10 · 1,010 rows · 101\.0 rows\/s · 60 bars · rejected 3 \(late 2, null_price 1\) · watermark 2026-01-02T14:31:00Z · latency p50 850 ms, p95 2,300 ms \(s3:\/\/emr-local-data\/streaming\/financial\/progress\/batch=10\.json, written [\d.]+s ago\)\n$/,
    );
  });

  it("reads progress/latest.json when the job wrote one, without trusting the listing", async () => {
    await createCluster(emr(), { environment: "local" });
    for (const id of [8, 9]) await writeProgress(id, 1000 + id);
    await writeProgress(12, 1012, "latest.json");
    const run = await cli(["stream", "status", "local"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/progress: batch 12 · 1,012 rows · .* \(s3:\/\/emr-local-data\/streaming\/financial\/progress\/latest\.json, written [\d.]+s ago\)\n$/);
  });

  it("says so when no batch has finished yet, and when no stream step was ever added", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const run = await cli(["stream", "status", "local"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `no stream step on ${clusterId}; start one: npm run emr -- stream start local\n` +
        "progress: no batch has finished yet (s3://emr-local-data/streaming/financial/progress/ is empty)\n",
    );
  });

  it("fails with one line naming the object and the field when the newest progress record is not one", async () => {
    await createCluster(emr(), { environment: "local" });
    await writeProgress(1, 10);
    const key = "streaming/financial/progress/batch=2.json";
    await s3().send(new PutObjectCommand({ Bucket: "emr-local-data", Key: key, Body: JSON.stringify({ batch_id: 2, input_rows: "many" }) }));
    const run = await cli(["stream", "status", "local"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^error: s3://emr-local-data/${key.replace(/[.=]/g, "\\$&")} is not a progress record: input_rows: .*; fix: check that the stream step runs this checkout's financial_stream\n$`));
  });

  it("exits 1 with EMR's failure reason when the newest stream step FAILED", async () => {
    const failed = { ...FAILED_STEP.Step, Name: `financial_stream ${RUN_ID}`, Config: { Jar: "command-runner.jar", Args: streamStepArgs() } };
    const recorded = recordedEmr({ ListStepsCommand: [{ Steps: [failed] }] });
    const run = await cli(["stream", "status", "local"], { clients: { emr: recorded.client } }, stackOutputs(undefined, { cluster_id: CLUSTER }));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: step s-3RXXXXXXXXXXX (financial_stream ${RUN_ID}) is FAILED: ${FAILED_STEP.Step.Status!.FailureDetails!.Reason}: ${FAILED_STEP.Step.Status!.FailureDetails!.Message}; ` +
        "its log: npm run emr -- logs local s-3RXXXXXXXXXXX\n",
    );
  });
});

/** What a stream step's spark-submit arguments look like in ListSteps (the entry script is what marks it). */
function streamStepArgs(): string[] {
  return ["spark-submit", "--deploy-mode", "cluster", "--py-files", "s3://emr-local-artifacts/jobs/0123/emr_jobs.zip", "s3://emr-local-artifacts/jobs/4567/financial_stream.py"];
}

/** A stream step in `state`, as DescribeStep and ListSteps return it (recorded shape). */
function streamStep(state: "PENDING" | "RUNNING" | "COMPLETED" | "CANCELLED" | "FAILED") {
  const { Step: step } = stepIn(state, { Name: `financial_stream ${RUN_ID}`, Config: { Jar: "command-runner.jar", Args: streamStepArgs(), Properties: {} } });
  return step;
}

describe("stream stop", () => {
  const outputs = stackOutputs(undefined, { cluster_id: CLUSTER });

  it("writes the stop marker, then follows the step with progress lines until it COMPLETES", async () => {
    await writeProgress(41, 500);
    const recorded = recordedEmr({
      ListStepsCommand: [{ Steps: [streamStep("RUNNING")] }],
      DescribeStepCommand: [{ Step: streamStep("RUNNING") }, { Step: streamStep("RUNNING") }, { Step: streamStep("COMPLETED") }],
    });
    const run = await cli(["stream", "stop", "local"], { clients: { emr: recorded.client } }, outputs);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const marker = await s3().send(new GetObjectCommand({ Bucket: "emr-local-data", Key: STOP_KEY }));
    expect(JSON.parse(await marker.Body!.transformToString())).toEqual({ requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), by: "npm run emr -- stream stop" });
    expect(recorded.calls.find((c) => c.command === "ListStepsCommand")?.input).toEqual({ ClusterId: CLUSTER, StepStates: ["PENDING", "RUNNING", "CANCEL_PENDING"], Marker: undefined });
    expect(recorded.calls.some((c) => c.command === "CancelStepsCommand")).toBe(false);
    expect(run.stdout).toContain(`  stop marker written: ${STREAMING.stopMarkerUri}; the job checks for it between micro-batches (trigger 10s), finishes the batch in flight and stops\n`);
    expect(run.stdout).toMatch(/ {2}step s-3RXXXXXXXXXXX: RUNNING · batch 41 · 500 rows · 50\.0 rows\/s · 60 bars · rejected 3 \(late 2, null_price 1\) · watermark 2026-01-02T14:31:00Z · latency p50 850 ms, p95 2,300 ms · [\d.]+s\n/);
    expect(run.stdout).toContain(`  step s-3RXXXXXXXXXXX COMPLETED: the checkpoint (${STREAMING.checkpointUri}) is where the next stream start resumes\n`);
  });

  it("--force cancels the step (CancelSteps) without a stop marker and waits for CANCELLED", async () => {
    const recorded = recordedEmr({
      ListStepsCommand: [{ Steps: [streamStep("RUNNING")] }],
      CancelStepsCommand: [{ CancelStepsInfoList: [{ StepId: "s-3RXXXXXXXXXXX", Status: "SUBMITTED", Reason: undefined }] }],
      DescribeStepCommand: [{ Step: streamStep("CANCELLED") }],
    });
    const run = await cli(["stream", "stop", "local", "--force"], { clients: { emr: recorded.client } }, outputs);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(recorded.calls.find((c) => c.command === "CancelStepsCommand")?.input).toEqual({ ClusterId: CLUSTER, StepIds: ["s-3RXXXXXXXXXXX"], StepCancellationOption: "SEND_INTERRUPT" });
    expect(await exists("emr-local-data", STOP_KEY)).toBe(false);
    expect(run.stdout).toContain("  step s-3RXXXXXXXXXXX CANCELLED");
  });

  it("fails if EMR refuses the cancellation, naming its reason", async () => {
    const recorded = recordedEmr({
      ListStepsCommand: [{ Steps: [streamStep("RUNNING")] }],
      CancelStepsCommand: [{ CancelStepsInfoList: [{ StepId: "s-3RXXXXXXXXXXX", Status: "FAILED", Reason: "Cancelling a running step requires EMR 5.28.0 or later" }] }],
    });
    const run = await cli(["stream", "stop", "local", "--force"], { clients: { emr: recorded.client } }, outputs);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error: EMR refused to cancel s-3RXXXXXXXXXXX (Cancelling a running step requires EMR 5.28.0 or later); fix: check the step with npm run emr -- steps local\n",
    );
  });

  it("accepts a step someone cancelled meanwhile (it stopped), with a warning", async () => {
    const recorded = recordedEmr({ ListStepsCommand: [{ Steps: [streamStep("RUNNING")] }], DescribeStepCommand: [{ Step: streamStep("CANCELLED") }] });
    const run = await cli(["stream", "stop", "local"], { clients: { emr: recorded.client } }, outputs);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("warning: step s-3RXXXXXXXXXXX was cancelled before it saw the stop marker; the batch in flight is redone at the next start\n");
    expect(run.stdout).toContain("  step s-3RXXXXXXXXXXX CANCELLED: the checkpoint");
  });

  it("exits 1 when the step FAILS instead of stopping", async () => {
    const recorded = recordedEmr({ ListStepsCommand: [{ Steps: [streamStep("RUNNING")] }], DescribeStepCommand: [{ Step: streamStep("FAILED") }] });
    const run = await cli(["stream", "stop", "local"], { clients: { emr: recorded.client } }, outputs);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: step s-3RXXXXXXXXXXX \(financial_stream \S+\) is FAILED: .*; its log: npm run emr -- logs local s-3RXXXXXXXXXXX\n$/);
  });

  it("does nothing when no stream step runs: no marker, which would stop the next start at once", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const run = await cli(["stream", "stop", "local"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`no stream step is pending or running on ${clusterId}; nothing to stop (npm run emr -- stream status local)\n`);
    expect(await exists("emr-local-data", STOP_KEY)).toBe(false);
  });

  it("a step of another job is not a stream step", async () => {
    const other = { ...streamStep("RUNNING"), Config: { Jar: "command-runner.jar", Args: ["spark-submit", "s3://b/jobs/1/financial_data_processor.py"] } };
    const recorded = recordedEmr({ ListStepsCommand: [{ Steps: [other] }] });
    const run = await cli(["stream", "stop", "local"], { clients: { emr: recorded.client } }, outputs);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("nothing to stop");
  });
});

const TICKS = ["AAPL", "MSFT", "AMZN"].flatMap((symbol, s) =>
  Array.from({ length: 401 }, (_, i) => JSON.stringify({ symbol, market: "NASDAQ", ts: `2026-01-02T14:${String(i % 60).padStart(2, "0")}:00Z`, price: `${100 + s}.${i}`, volume: i + 1 })),
);

function ticksFile(root: string, lines: readonly string[]): string {
  const file = path.join(root, "ticks.jsonl");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** Every record's data in the stream, read back from moto (one shard). */
async function streamContents(): Promise<string[]> {
  const { Shards } = await kinesis().send(new ListShardsCommand({ StreamName: STREAM }));
  const found: string[] = [];
  for (const shard of Shards ?? []) {
    let { ShardIterator: iterator } = await kinesis().send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }));
    for (let page = 0; iterator && page < 20; page++) {
      const answer = await kinesis().send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      found.push(...(answer.Records ?? []).map((r) => Buffer.from(r.Data!).toString("utf8")));
      if ((answer.Records ?? []).length === 0) break;
      iterator = answer.NextShardIterator;
    }
  }
  return found;
}

/**
 * moto for PutRecords, except that the entries at `failing(call, index)` come back refused with a recorded error
 * entry (Kinesis API reference, PutRecordsResultEntry) and never reach moto, as when a shard is over its limit.
 */
function refusingKinesis(failing: (call: number, index: number) => boolean) {
  const real = kinesis();
  const requests: number[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: PutRecordsCommandInput }, options?: unknown) => {
      if (command.constructor.name !== "PutRecordsCommand") return (real.send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options);
      const call = requests.length;
      const records = command.input.Records!;
      requests.push(records.length);
      const accepted = records.filter((_, i) => !failing(call, i));
      const answer: PutRecordsCommandOutput | undefined = accepted.length > 0 ? await real.send(new PutRecordsCommand({ ...command.input, Records: accepted })) : undefined;
      const results = [...(answer?.Records ?? [])];
      const entries: PutRecordsResultEntry[] = records.map((_, i) =>
        failing(call, i)
          ? { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: `Rate exceeded for shard shardId-000000000000 in stream ${STREAM} under account 123456789012.` }
          : results.shift()!,
      );
      return { FailedRecordCount: entries.filter((e) => e.ErrorCode).length, Records: entries, $metadata: {} };
    },
  } as unknown as KinesisClient;
  return { client, requests };
}

describe("stream put", () => {
  beforeEach(async () => {
    await kinesis().send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
  });

  it("sends every line in PutRecords requests of at most 500 records, keyed by symbol", async () => {
    const { spy, sent } = spiedClient(kinesis());
    const { root } = tempRepo({ jobs: false });
    const run = await cli(["stream", "put", "local", "--file", ticksFile(root, TICKS)], { clients: { kinesis: spy } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const sizes = sent.filter((c) => c.name === "PutRecordsCommand").map((c) => (c.input.Records as unknown[]).length);
    expect(sizes).toEqual([500, 500, 203]);
    const first = (sent[0].input.Records as { PartitionKey: string }[])[0];
    expect(first.PartitionKey).toBe("AAPL");
    expect((await streamContents()).sort()).toEqual([...TICKS].sort());
    expect(run.stdout).toContain(`  1203 sent to ${STREAM} in 3 PutRecords requests; 0 retried; 0 failed\n`);
  });

  it("retries only the failed entries and counts them: every record lands exactly once", async () => {
    // The first request has entries 3, 250 and 499 refused; the retry of those three is accepted.
    const { client, requests } = refusingKinesis((call, i) => call === 0 && [3, 250, 499].includes(i));
    const { root } = tempRepo({ jobs: false });
    const run = await cli(["stream", "put", "local", "--file", ticksFile(root, TICKS)], { clients: { kinesis: client } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(requests).toEqual([500, 3, 500, 203]);
    expect(run.stdout).toContain(`  1203 sent to ${STREAM} in 4 PutRecords requests; 3 retried; 0 failed\n`);
    const contents = await streamContents();
    expect(contents).toHaveLength(TICKS.length);
    expect([...contents].sort()).toEqual([...TICKS].sort());
  });

  it("gives up on entries refused on every attempt, counts them and exits 1", async () => {
    const { client, requests } = refusingKinesis((call, i) => i === 0 && call < 5);
    const { root } = tempRepo({ jobs: false });
    const run = await cli(["stream", "put", "local", "--file", ticksFile(root, TICKS.slice(0, 10))], { clients: { kinesis: client } });
    expect(run.code).toBe(1);
    expect(requests).toEqual([10, 1, 1, 1, 1]);
    expect(run.stdout).toContain("  9 sent to emr-platform-local-ticks in 5 PutRecords requests; 4 retried; 1 failed\n");
    expect(run.stderr).toBe(
      "error: 1 of 10 records were refused on every attempt (1 ProvisionedThroughputExceededException); the other 9 were sent. " +
        "fix: send fewer at once, or give the stream more capacity (streaming.stream in environments/local.ts); rerunning sends every record again\n",
    );
    expect(await streamContents()).toHaveLength(9);
  });

  it("when a whole request fails, says how many records had been sent", async () => {
    const real = kinesis();
    let calls = 0;
    const throttled = {
      send: async (command: PutRecordsCommand, options?: unknown) => {
        if (++calls === 2) {
          throw Object.assign(new Error(`Rate exceeded for stream ${STREAM} under account 123456789012.`), { name: "ProvisionedThroughputExceededException", $metadata: { httpStatusCode: 400, attempts: 5 } });
        }
        return (real.send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options);
      },
    } as unknown as KinesisClient;
    const { root } = tempRepo({ jobs: false });
    const run = await cli(["stream", "put", "local", "--file", ticksFile(root, TICKS)], { clients: { kinesis: throttled } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: AWS kept throttling the requests \(ProvisionedThroughputExceededException: Rate exceeded .*\) after 5 attempts; .*; 500 of 1203 records had been sent \(rerunning sends every record again\)\n$/);
    expect(await streamContents()).toHaveLength(500);
  });

  it("fails on a line that is not JSON, naming its number, before sending anything", async () => {
    const { spy, sent } = spiedClient(kinesis());
    const { root } = tempRepo({ jobs: false });
    const file = ticksFile(root, [TICKS[0], "", TICKS[1], "{not json", "[1,2]"]);
    const run = await cli(["stream", "put", "local", "--file", file], { clients: { kinesis: spy } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} line 4 is not JSON \\([^)]*\\) \\(and 1 more bad line\\); nothing was sent\\. fix: one JSON object per line, each with "symbol" \\(or pick the key with --partition-key\\)\\n$`),
    );
    expect(sent).toHaveLength(0);
  });

  it("fails on a line without the partition key field, and --partition-key picks another field", async () => {
    const { root } = tempRepo({ jobs: false });
    const file = ticksFile(root, [JSON.stringify({ market: "NASDAQ", ts: "2026-01-02T14:30:00Z", price: "1", volume: 1 })]);
    const missing = await cli(["stream", "put", "local", "--file", file]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${file} line 1 has no "symbol" for the partition key; nothing was sent.`);
    const byMarket = await cli(["stream", "put", "local", "--file", file, "--partition-key", "market"]);
    expect(byMarket.stderr).toBe("");
    expect(byMarket.code).toBe(0);
    expect(await streamContents()).toHaveLength(1);
  });

  it("fails with one line when the file cannot be read or the stream does not exist", async () => {
    const { root } = tempRepo({ jobs: false });
    const unreadable = await cli(["stream", "put", "local", "--file", path.join(root, "missing.jsonl")]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toBe(`error: cannot read ${path.join(root, "missing.jsonl")}: ENOENT; fix: pass a JSON-lines file of ticks with --file\n`);
    const gone = await cli(["stream", "put", "local", "--file", ticksFile(root, TICKS.slice(0, 2))], {}, stackOutputs(JSON.stringify({ ...STREAMING, streamName: "absent", streamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/absent" })));
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe("error: the stream absent does not exist in us-east-1; fix: deploy the environment (npm run deploy -- local)\n");
  });
});
