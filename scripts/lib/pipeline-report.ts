/**
 * What `pipeline status` (and `pipeline run --wait` at the end) prints about one execution: its status, each state
 * with its result and duration, and when it did not succeed, the failing state with the tail of the EMR step's
 * stderr from the log bucket.
 */
import { DescribeClusterCommand } from "@aws-sdk/client-emr";
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import type { CommandContext } from "./context";
import { formatDuration, table } from "./output";
import type { ExecutionDescription } from "./pipeline-executions";
import { CODE_MANIFEST_KEY } from "../../contracts/step-functions";
import { emrStepOf, failingState, s3ObjectOf, stateDurationMs, stateRuns, type StateRun } from "./pipeline-history";
import { failureLogLocation, readLog, type S3Location, stepLogLocation, tail, waitForLog } from "./step-logs";

export const TAIL_LINES = 40;

export const isoSeconds = (date: Date | undefined): string => date?.toISOString().replace(/\.\d{3}Z$/, "Z") ?? "-";

/** The logical date the execution was started with ({"date": "YYYY-MM-DD"}), if its input carries one. */
export function logicalDate(input: string | undefined): string | undefined {
  try {
    const date = (JSON.parse(input ?? "") as { date?: unknown }).date;
    return typeof date === "string" ? date : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a finished execution did, from its output's top-level `status` (modules/pipeline/asl-builder.ts leaves one on
 * every successful path): SUCCEEDED ran the steps; ALREADY_RUNNING and GATE_STOPPED end the execution SUCCEEDED while
 * nothing (or not everything) ran for the date. An output without `status` (a state machine deployed before it was
 * written) counts as succeeded. Not ended yet, or FAILED/TIMED_OUT/ABORTED: "failed".
 */
export type ExecutionOutcome = { kind: "succeeded" } | { kind: "ended"; status: string; reason?: string } | { kind: "failed" };

export function executionOutcome(execution: Pick<ExecutionDescription, "status" | "output">): ExecutionOutcome {
  if (execution.status !== "SUCCEEDED") return { kind: "failed" };
  let output: { status?: unknown; message?: unknown; verdict?: { reason?: unknown; job?: unknown } } | undefined;
  try {
    output = JSON.parse(execution.output ?? "") as typeof output;
  } catch {
    output = undefined;
  }
  const status = output && typeof output === "object" ? output.status : undefined;
  if (status === undefined || status === "SUCCEEDED") return { kind: "succeeded" };
  const verdict = typeof output?.verdict === "object" && output.verdict ? output.verdict : undefined;
  const reason = typeof verdict?.reason === "string" ? `${typeof verdict.job === "string" ? `${verdict.job}: ` : ""}${verdict.reason}` : typeof output?.message === "string" ? output.message : undefined;
  return { kind: "ended", status: String(status), reason };
}

/** One line from a failure's cause: EMR's failure message when the cause is a step, else its first line, shortened. */
export function causeSummary(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { Step?: unknown; Status?: unknown };
    const step = (parsed.Step ?? parsed) as { Id?: string; Status?: { State?: string; FailureDetails?: { Reason?: string; Message?: string } } };
    const details = step.Status?.FailureDetails;
    if (step.Status?.State) return [`step ${step.Id ?? "?"} ${step.Status.State}`, details?.Reason, details?.Message].filter(Boolean).join(": ");
  } catch {
    // Not JSON: plain text.
  }
  const line = cause.split("\n").find((l) => l.trim() !== "")?.trim() ?? cause;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function runRow(run: StateRun, now: number): string[] {
  return [run.name, run.type, run.outcome, run.attempts > 0 ? String(run.attempts) : "-", isoSeconds(run.enteredAt), formatDuration(stateDurationMs(run, now))];
}

/** Where the failed step's stderr is: EMR's LogFile, else <log URI><cluster>/steps/<step>/stderr.gz. */
async function stderrLocation(ctx: CommandContext, clusterId: string | undefined, stepId: string | undefined, logFile: string | undefined): Promise<S3Location | undefined> {
  if (logFile) return failureLogLocation(logFile);
  if (!clusterId || !stepId) return undefined;
  let logUri = await ctx.fallbackLogUri();
  if (!logUri) {
    // A transient cluster is gone, but DescribeCluster still answers for terminated clusters (for about two months).
    const { Cluster } = await ctx.clients.emr.send(new DescribeClusterCommand({ ClusterId: clusterId }));
    logUri = Cluster?.LogUri;
  }
  return logUri ? stepLogLocation(logUri, clusterId, stepId, "stderr") : undefined;
}

export interface ReportOptions {
  /** Wait this long for EMR to copy the stderr to S3 (run --wait); 0 reads once (status must answer at once). */
  logWaitMs: number;
}

/** Prints the report; returns the failing state when the execution did not succeed. */
export async function printExecutionReport(ctx: CommandContext, pipeline: string, execution: ExecutionDescription, events: readonly HistoryEvent[], options: ReportOptions): Promise<StateRun | undefined> {
  const now = ctx.deps.now();
  const status = execution.status ?? "UNKNOWN";
  const date = logicalDate(execution.input);
  const took = execution.startDate ? formatDuration((execution.stopDate?.getTime() ?? now) - execution.startDate.getTime()) : "-";
  const outcome = executionOutcome(execution);
  const ran = outcome.kind === "ended" ? `, output status ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ""}` : "";
  ctx.out.line(`${pipeline} · ${execution.name ?? "?"}: ${status}${date ? ` (date ${date})` : ""}${ran}`);
  ctx.out.line(`  started ${isoSeconds(execution.startDate)}${execution.stopDate ? `, ended ${isoSeconds(execution.stopDate)}` : ""}, ${execution.stopDate ? "took" : "running for"} ${took}`);
  const runs = stateRuns(events);
  if (runs.length === 0) ctx.out.line("  no state entered yet");
  else for (const line of table([["state", "type", "result", "attempts", "started", "duration"], ...runs.map((r) => runRow(r, now))])) ctx.out.line(`  ${line}`);
  if (status === "SUCCEEDED" || status === "RUNNING") return undefined;

  const failing = failingState(runs);
  const error = failing?.error ?? execution.error;
  const cause = causeSummary(failing?.cause ?? execution.cause);
  ctx.out.line(`  ${status.toLowerCase().replace("_", " ")} at ${failing ? `"${failing.name}"` : "an unknown state"}${error ? `: ${error}` : ""}${cause ? ` (${cause})` : ""}`);
  const object = failing && s3ObjectOf(failing);
  if (object?.missing) ctx.out.line(`  ${missingObjectAdvice(ctx.name, object.bucket, object.key)}`);
  const step = failing && emrStepOf(failing);
  if (step) await printStderrTail(ctx, pipeline, step.clusterId, step.stepId, step.logFile, options);
  return failing;
}

/**
 * What a run needs before its first step and did not find: the code manifest (recorded by deploy or upload
 * --for-schedules), a non-data input under jobs/ (deployed by Terraform), or another object (the step that writes it).
 */
export function missingObjectAdvice(environment: string, bucket: string, key: string): string {
  const uri = `s3://${bucket}/${key}`;
  if (key === CODE_MANIFEST_KEY) {
    return `the code manifest ${uri} is missing (or the role may not list the bucket); fix: npm run deploy -- ${environment}, or npm run emr -- upload ${environment} --for-schedules`;
  }
  if (key.startsWith("jobs/")) return `${uri} is missing (or the role may not list the bucket); fix: npm run deploy -- ${environment} (it deploys the pipelines' inputs under jobs/)`;
  return `${uri} is missing (or the role may not list the bucket): the step that writes it did not, or wrote elsewhere`;
}

async function printStderrTail(ctx: CommandContext, pipeline: string, clusterId: string | undefined, stepId: string | undefined, logFile: string | undefined, options: ReportOptions): Promise<void> {
  const location = await stderrLocation(ctx, clusterId, stepId, logFile);
  const which = `step ${stepId ?? "?"} on ${clusterId ?? "?"}`;
  if (!location) {
    ctx.out.warn(`the stderr of ${which} is not in S3: the cluster has no log URI (pass --logs-bucket if it writes elsewhere)`);
    return;
  }
  const uri = `s3://${location.bucket}/${location.key}`;
  let text: string | undefined;
  if (options.logWaitMs > 0) {
    ctx.out.line(`  waiting for ${uri} (EMR copies step logs to S3 within minutes) …`);
    const interruptMessage = `interrupted; read it later with: npm run emr -- pipeline status ${ctx.name} ${pipeline}`;
    text = await waitForLog(ctx.clients.s3, location, { ...ctx.poll(options.logWaitMs), interruptMessage });
  } else {
    text = await readLog(ctx.clients.s3, location);
  }
  if (text === undefined) {
    ctx.out.warn(`the stderr of ${which} is not at ${uri} yet (EMR copies it within minutes); rerun this command later`);
    return;
  }
  ctx.out.line(`  last ${TAIL_LINES} lines of stderr (${which}, ${uri}):`);
  for (const line of tail(text, TAIL_LINES).split("\n")) ctx.out.line(`    ${line}`);
}
