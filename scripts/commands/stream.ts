/**
 * `stream start|status|stop|put`: the `financial_stream` Structured Streaming job as a step on the long-running
 * cluster, fed by the environment's Kinesis stream. Every name and location comes from the stack's `streaming` output.
 */
import { CancelStepsCommand, DescribeStepCommand, type Step } from "@aws-sdk/client-emr";
import { Command, Option } from "commander";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ENVIRONMENT_NAMES } from "../../environments/names";
import { type CommandRunner, envCommand, positiveNumber, withBucketOptions } from "../lib/cli-args";
import type { CommandContext } from "../lib/context";
import { CliError, describeError, EXIT } from "../lib/errors";
import { checkedJob } from "../lib/job-arguments";
import { emptyPutSummary, parseTicks, putRecords } from "../lib/kinesis-producer";
import { formatDuration, table } from "../lib/output";
import { followUntilEnded } from "../lib/poll";
import { classifyStep, stepRow } from "../lib/steps";
import { clearStopMarker, writeStopMarker } from "../lib/stop-marker";
import type * as StreamProgress from "../lib/stream-progress";
import { ACTIVE_STEP_STATES, STARTING_POSITIONS, type StartingPosition, STREAM_JOB, streamJobArguments, streamSteps } from "../lib/stream-step";
import { runningClusterId, submitStep } from "./submit";
import { uploadJobs } from "./upload";

/** Loaded when a stream command reads progress, not for `emr --help`: it brings a zod schema. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const streamProgress = (): typeof StreamProgress => require("../lib/stream-progress");

export async function streamStart(ctx: CommandContext, options: { startingPosition?: StartingPosition }): Promise<number> {
  const streaming = await ctx.streaming();
  const clusterId = await runningClusterId(ctx);
  const [active] = await streamSteps(ctx.clients.emr, clusterId, { states: ACTIVE_STEP_STATES, limit: 1 });
  if (active) {
    // Two queries on one checkpoint corrupt it (Structured Streaming allows one active run per checkpoint).
    throw new CliError(
      `a stream step already runs on ${clusterId}: ${active.Id} (${active.Status?.State}, ${active.Name}); nothing was uploaded or added. ` +
        `fix: npm run emr -- stream status ${ctx.name}, or stop it first: npm run emr -- stream stop ${ctx.name}`,
    );
  }
  // The arguments against the job's own parser (spark-jobs/catalog.json) before anything is uploaded or added.
  const jobArguments = streamJobArguments(streaming, ctx.config.region, options.startingPosition);
  checkedJob(STREAM_JOB, jobArguments);
  if (await clearStopMarker(ctx.clients.s3, streaming.stopMarkerUri)) ctx.out.line(`  removed the stop marker of the last stop (${streaming.stopMarkerUri})`);
  const uploaded = await uploadJobs(ctx);
  const submitted = await submitStep(ctx, clusterId, uploaded, STREAM_JOB, jobArguments, {
    // A stream that fails must not cancel the steps queued behind it or end the shared cluster.
    actionOnFailure: "CONTINUE",
    name: `${STREAM_JOB} ${ctx.deps.runId()}`,
  });
  ctx.out.line(`  reading ${streaming.streamName}; results under ${streaming.outputUri}`);
  ctx.out.line(`  follow it: npm run emr -- stream status ${ctx.name}   stop it: npm run emr -- stream stop ${ctx.name}   step ${submitted.stepId}`);
  return EXIT.ok;
}

export async function streamStatus(ctx: CommandContext): Promise<number> {
  const streaming = await ctx.streaming();
  const { clusterId } = await ctx.clusterId();
  const [step] = await streamSteps(ctx.clients.emr, clusterId, { limit: 1 });
  if (!step) ctx.out.line(`no stream step on ${clusterId}; start one: npm run emr -- stream start ${ctx.name}`);
  else for (const line of table([["step", "state", "duration", "created", "name"], stepRow(step, ctx.deps.now())])) ctx.out.line(line);

  const progress = await streamProgress().newestProgress(ctx.clients.s3, streaming.outputUri);
  if (!progress) ctx.out.line(`progress: no batch has finished yet (${streaming.outputUri}progress/ is empty)`);
  else {
    const age = progress.lastModified ? `, written ${formatDuration(Math.max(0, ctx.deps.now() - progress.lastModified.getTime()))} ago` : "";
    ctx.out.line(`progress: ${streamProgress().describeProgress(progress.record)} (${progress.uri}${age})`);
  }
  // ListSteps' summary carries the same FailureDetails as DescribeStep (EMR API reference, StepStatus).
  const verdict = step?.Status?.State === "FAILED" ? classifyStep(step) : undefined;
  if (verdict?.kind === "failed") throw new CliError(`${verdict.message}; its log: npm run emr -- logs ${ctx.name} ${step!.Id}`);
  return EXIT.ok;
}

export interface StreamStopOptions {
  force?: boolean;
  timeoutMinutes: number;
}

/** Follows one stream step to its end, printing a line per state change and per new progress record. */
async function followStreamStep(ctx: CommandContext, clusterId: string, stepId: string, outputUri: string, timeoutMinutes: number, resumeHint: string): Promise<Step> {
  return followUntilEnded(
    { noun: "step", id: stepId, host: clusterId },
    async (abortSignal) => {
      const { Step: step } = await ctx.clients.emr.send(new DescribeStepCommand({ ClusterId: clusterId, StepId: stepId }), { abortSignal });
      if (!step) throw new CliError(`step ${stepId} not found on ${clusterId}`);
      const progress = await streamProgress().newestProgress(ctx.clients.s3, outputUri, abortSignal);
      const state = step.Status?.State ?? "UNKNOWN";
      return { state: progress ? `${state} · ${streamProgress().describeProgress(progress.record)}` : state, ended: classifyStep(step).kind !== "pending", value: step };
    },
    { ...ctx.poll(timeoutMinutes * 60_000), reporter: ctx.out, resumeHint },
  );
}

export async function streamStop(ctx: CommandContext, options: StreamStopOptions): Promise<number> {
  const streaming = await ctx.streaming();
  const { clusterId } = await ctx.clusterId();
  const active = await streamSteps(ctx.clients.emr, clusterId, { states: ACTIVE_STEP_STATES });
  if (active.length === 0) {
    ctx.out.line(`no stream step is pending or running on ${clusterId}; nothing to stop (npm run emr -- stream status ${ctx.name})`);
    return EXIT.ok;
  }
  const stepIds = active.map((s) => s.Id!);
  if (options.force) {
    // SEND_INTERRUPT, the default: EMR sends the step SIGTERM (Management Guide, "Cancel steps"; releases >= 5.28.0
    // cancel RUNNING steps too: API reference, CancelSteps). The checkpoint stays valid; the batch in flight is redone.
    const { CancelStepsInfoList: infos } = await ctx.clients.emr.send(new CancelStepsCommand({ ClusterId: clusterId, StepIds: stepIds, StepCancellationOption: "SEND_INTERRUPT" }));
    const refused = (infos ?? []).filter((i) => i.Status === "FAILED");
    if (refused.length > 0) {
      throw new CliError(`EMR refused to cancel ${refused.map((i) => `${i.StepId} (${i.Reason ?? "no reason given"})`).join(", ")}; fix: check the step with npm run emr -- steps ${ctx.name}`);
    }
    ctx.out.line(`  cancel requested for ${stepIds.join(", ")} on ${clusterId}`);
  } else {
    const { outputs } = await ctx.outputs();
    await writeStopMarker(ctx.clients.s3, streaming.stopMarkerUri, new Date(ctx.deps.now()), outputs.kmsKeyArn);
    ctx.out.line(`  stop marker written: ${streaming.stopMarkerUri}; the job checks for it between micro-batches (trigger ${streaming.triggerSeconds}s), finishes the batch in flight and stops`);
  }
  const resume = options.force
    ? `Check it with: npm run emr -- stream status ${ctx.name}`
    : `The stop marker stays: it stops at its next batch. Check it with npm run emr -- stream status ${ctx.name}; cancel it at once with npm run emr -- stream stop ${ctx.name} --force`;
  for (const stepId of stepIds) {
    const step = await followStreamStep(ctx, clusterId, stepId, streaming.outputUri, options.timeoutMinutes, resume);
    const state = step.Status?.State;
    // Either ending stops the stream, which is what was asked; FAILED or INTERRUPTED is a fault to look at.
    if (state !== "COMPLETED" && state !== "CANCELLED") {
      const verdict = classifyStep(step);
      throw new CliError(`${verdict.kind === "failed" ? verdict.message : `step ${stepId} is ${state}`}; its log: npm run emr -- logs ${ctx.name} ${stepId}`);
    }
    if (state === "CANCELLED" && !options.force) ctx.out.warn(`step ${stepId} was cancelled before it saw the stop marker; the batch in flight is redone at the next start`);
    ctx.out.line(`  step ${stepId} ${state}: the checkpoint (${streaming.checkpointUri}) is where the next stream start resumes`);
  }
  return EXIT.ok;
}

export async function streamPut(ctx: CommandContext, file: string, options: { partitionKey: string }): Promise<number> {
  // The file first: a bad line must not cost an AWS call.
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(resolved, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; fix: pass a JSON-lines file of ticks with --file`);
  }
  const records = parseTicks(text, file, options.partitionKey);
  const streaming = await ctx.streaming();
  const summary = emptyPutSummary();
  try {
    await putRecords(ctx.clients.kinesis, records, {
      streamArn: streaming.streamArn,
      signal: ctx.deps.signal,
      summary,
      onBatch: (index, total, soFar) => ctx.out.status(String(index), `  request batch ${index}/${total}: ${soFar.sent} sent, ${soFar.retried} retried, ${soFar.failed} failed`),
    });
  } catch (err) {
    if ((err as Error).name === "ResourceNotFoundException") {
      throw new CliError(`the stream ${streaming.streamName} does not exist in ${ctx.config.region}; fix: deploy the environment (npm run deploy -- ${ctx.name})`);
    }
    if (err instanceof CliError) throw err;
    // A request that failed as a whole (after the SDK's own retries): say what had been sent, as a rerun resends it.
    throw new CliError(`${describeError(err)}; ${summary.sent} of ${records.length} records had been sent (rerunning sends every record again)`);
  } finally {
    ctx.out.endStatus();
  }
  ctx.out.line(`  ${summary.sent} sent to ${streaming.streamName} in ${summary.requests} PutRecords requests; ${summary.retried} retried; ${summary.failed} failed`);
  if (summary.failed > 0) {
    const codes = Object.entries(summary.failures)
      .map(([code, n]) => `${n} ${code}`)
      .join(", ");
    throw new CliError(
      `${summary.failed} of ${records.length} records were refused on every attempt (${codes}); the other ${summary.sent} were sent. ` +
        `fix: send fewer at once, or give the stream more capacity (streaming.stream in environments/${ctx.name}.ts); rerunning sends every record again`,
    );
  }
  return EXIT.ok;
}

export function defineStream(run: CommandRunner): Command {
  const stream = new Command("stream").description("the financial_stream Structured Streaming step and its Kinesis stream: start, status, stop, put");

  stream.addCommand(
    withBucketOptions(envCommand("start", "upload the jobs and add the financial_stream step (Kinesis source, ActionOnFailure CONTINUE) to the running cluster; refused while one is pending or running"))
      .addOption(new Option("--starting-position <position>", "where a stream without a checkpoint starts reading (default: the job's)").choices(STARTING_POSITIONS))
      .action(run((ctx, options: { startingPosition?: StartingPosition }) => streamStart(ctx, options))),
  );

  stream.addCommand(
    envCommand("status", "the newest stream step's state and the job's newest progress record (batch, rows/s, watermark, latency)")
      .addHelpText("after", "\nExit code 0 when the status was read (the step may be running or stopped); 1 when the newest stream step FAILED.")
      .action(run((ctx) => streamStatus(ctx))),
  );

  stream.addCommand(
    envCommand(
      "stop",
      "write the stop marker and wait for the stream step to finish its batch and stop; --force cancels the step instead",
      "cancel the step at once (EMR CancelSteps) instead of writing the stop marker; also acts on a --cluster-id cluster of another environment",
    )
      .option("--timeout <minutes>", "minutes to wait for the step to end", positiveNumber, 15)
      .action(run((ctx, options: { force?: boolean; timeout: number }) => streamStop(ctx, { force: options.force, timeoutMinutes: options.timeout }))),
  );

  stream.addCommand(
    // No cluster involved: only the options that find the stream.
    new Command("put")
      .description("send a JSON-lines file of ticks to the stream (PutRecords, <= 500 records and 5 MiB a request; failed entries retried up to 5 times)")
      .argument("<env>", `environment: ${ENVIRONMENT_NAMES.join(", ")}`)
      .option("--terraform-bin <path>", "terraform or tofu binary, to read the stack's outputs (overrides TERRAFORM_BIN)")
      .requiredOption("--file <path>", "JSON-lines file, one tick per line: {symbol, market, ts, price, volume}")
      .option("--partition-key <field>", "the field whose value is each record's partition key (same key, same shard, in order)", "symbol")
      .action(run((ctx, options: { file: string; partitionKey: string }) => streamPut(ctx, options.file, { partitionKey: options.partitionKey }))),
  );

  return stream;
}
