/**
 * Reads a Step Functions execution history (GetExecutionHistory events, oldest first) into what an operator asks:
 * which states ran, how long each took, how many attempts a task needed, and which state made the execution fail,
 * with the EMR cluster and step behind it when that state is an `addStep` task. Pure, so every path is testable on
 * recorded histories as well as moto's.
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";

export type StateOutcome = "running" | "succeeded" | "caught" | "failed" | "timed out" | "aborted";

export interface StateRun {
  name: string;
  /** Task, Pass, Choice, Parallel, Map, Wait, Succeed, Fail (from the event type). */
  type: string;
  enteredAt: Date;
  exitedAt?: Date;
  outcome: StateOutcome;
  /** TaskScheduled events seen: 1 + retries. 0 for states that are not tasks. */
  attempts: number;
  /** The task's Resource, e.g. arn:aws:states:::elasticmapreduce:addStep.sync (resourceType:resource). */
  resource?: string;
  /** The last TaskScheduled parameters (resolved JSON), where addStep names its cluster. */
  parameters?: string;
  error?: string;
  cause?: string;
}

const ENTERED = /^(\w+)StateEntered$/;
const EXITED = /^(\w+)StateExited$/;
const TASK_FAILURES = new Set(["TaskFailed", "TaskTimedOut", "TaskStartFailed", "TaskSubmitFailed"]);
const END_OUTCOME: Record<string, StateOutcome> = { ExecutionFailed: "failed", ExecutionTimedOut: "timed out", ExecutionAborted: "aborted" };

/** The state runs in the order they were entered. */
export function stateRuns(events: readonly HistoryEvent[]): StateRun[] {
  const runs: StateRun[] = [];
  const byEventId = new Map<number, HistoryEvent>();
  const runByEnteredId = new Map<number, StateRun>();
  /** Runs still open, in entry order: Exited closes the oldest open run of that name (Map iterations repeat names). */
  const open: StateRun[] = [];

  // Task events carry no state name: follow previousEventId back to the StateEntered that started them. moto and
  // AWS chain them (Entered → Scheduled → Started → Failed → Scheduled …); if the chain breaks, the latest open run.
  const ownerOf = (event: HistoryEvent): StateRun | undefined => {
    let id = event.previousEventId;
    for (let hops = 0; id !== undefined && hops < 10_000; hops++) {
      const run = runByEnteredId.get(id);
      if (run) return run;
      id = byEventId.get(id)?.previousEventId;
    }
    return open[open.length - 1];
  };

  for (const event of events) {
    if (event.id !== undefined) byEventId.set(event.id, event);
    const type = event.type ?? "";
    const at = event.timestamp ?? new Date(0);
    const entered = ENTERED.exec(type);
    if (entered && event.stateEnteredEventDetails?.name !== undefined) {
      const run: StateRun = { name: event.stateEnteredEventDetails.name, type: entered[1], enteredAt: at, outcome: "running", attempts: 0 };
      runs.push(run);
      open.push(run);
      if (event.id !== undefined) runByEnteredId.set(event.id, run);
      continue;
    }
    const exited = EXITED.exec(type);
    if (exited && event.stateExitedEventDetails?.name !== undefined) {
      const index = open.findIndex((r) => r.name === event.stateExitedEventDetails!.name);
      if (index < 0) continue;
      const [run] = open.splice(index, 1);
      run.exitedAt = at;
      // Exited after a failed last attempt: a Catch took over (the failure was handled, but it happened).
      run.outcome = run.error !== undefined ? "caught" : "succeeded";
      continue;
    }
    if (type === "TaskScheduled") {
      const run = ownerOf(event);
      if (!run) continue;
      run.attempts++;
      const details = event.taskScheduledEventDetails;
      run.resource = details ? `${details.resourceType}:${details.resource}` : run.resource;
      run.parameters = details?.parameters ?? run.parameters;
      // A new attempt: the previous attempt's failure is history, not this run's outcome.
      run.error = undefined;
      run.cause = undefined;
      continue;
    }
    if (TASK_FAILURES.has(type)) {
      const run = ownerOf(event);
      const details = event.taskFailedEventDetails ?? event.taskTimedOutEventDetails ?? event.taskStartFailedEventDetails ?? event.taskSubmitFailedEventDetails;
      if (run) {
        run.error = details?.error ?? type;
        run.cause = details?.cause;
      }
      continue;
    }
    if (type === "ParallelStateFailed" || type === "MapStateFailed") {
      const run = ownerOf(event);
      if (run) run.error ??= "States.BranchFailed";
      continue;
    }
    const ending = END_OUTCOME[type];
    if (ending) {
      const details = event.executionFailedEventDetails ?? event.executionTimedOutEventDetails ?? event.executionAbortedEventDetails;
      for (const run of open) {
        run.outcome = ending;
        run.exitedAt = at;
        // A Fail state's error and cause are the execution's.
        if (run.error === undefined) {
          run.error = details?.error;
          run.cause = details?.cause;
        }
      }
      open.length = 0;
    }
  }
  return runs;
}

const CONTAINERS = new Set(["Parallel", "Map"]);

/**
 * The state an operator should look at when the execution did not succeed: the first task whose last attempt failed
 * (caught or not: a pipeline catches step failures to terminate its cluster, then ends in a Fail state), else the
 * state that was open when the execution ended (the Fail state, or the state running at a timeout or abort).
 */
export function failingState(runs: readonly StateRun[]): StateRun | undefined {
  const failedTask = runs.find((r) => r.type === "Task" && (r.outcome === "caught" || r.outcome === "failed" || r.outcome === "timed out"));
  if (failedTask) return failedTask;
  const ended = runs.filter((r) => r.outcome === "failed" || r.outcome === "timed out" || r.outcome === "aborted");
  return ended.find((r) => !CONTAINERS.has(r.type)) ?? ended[0];
}

export function stateDurationMs(run: StateRun, now: number): number {
  return Math.max(0, (run.exitedAt?.getTime() ?? now) - run.enteredAt.getTime());
}

/** The state running now: the most recently entered run still open. */
export function currentState(runs: readonly StateRun[]): StateRun | undefined {
  return [...runs].reverse().find((r) => r.outcome === "running");
}

export interface EmrStepRef {
  clusterId?: string;
  stepId?: string;
  /** FailureDetails.LogFile when EMR found the root cause's log. */
  logFile?: string;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * For a failed `elasticmapreduce:addStep(.sync)` task: the cluster (from the TaskScheduled parameters, which hold
 * the resolved ClusterId) and the step (from the failure's cause, which for `.sync` is the step as DescribeStep
 * returns it; the `Step` wrapper and a bare StepId are accepted too, since only a real account shows the exact form).
 */
export function emrStepOf(run: StateRun): EmrStepRef | undefined {
  if (!run.resource || !/elasticmapreduce:addStep/.test(run.resource)) return undefined;
  const parameters = parseJson(run.parameters);
  const cause = parseJson(run.cause);
  const step = (cause?.Step as Record<string, unknown> | undefined) ?? cause;
  const status = step?.Status as { FailureDetails?: { LogFile?: unknown } } | undefined;
  const ref: EmrStepRef = {
    clusterId: str(parameters?.ClusterId) ?? str(cause?.ClusterId),
    stepId: str(step?.Id) ?? str(cause?.StepId) ?? str((cause?.StepIds as unknown[] | undefined)?.[0]),
    logFile: str(status?.FailureDetails?.LogFile),
  };
  return ref.clusterId || ref.stepId ? ref : undefined;
}

/** The S3 object a failed `aws-sdk:s3:getObject|headObject` task asked for, and whether the failure says it is absent. */
export interface S3ObjectRef {
  bucket: string;
  key: string;
  /**
   * NoSuchKey/NotFound/404, or AccessDenied/403: what S3 answers for a missing key when the role may not s3:ListBucket
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, Permissions).
   */
  missing: boolean;
}

export function s3ObjectOf(run: StateRun): S3ObjectRef | undefined {
  if (!run.resource || !/s3:(getObject|headObject)$/i.test(run.resource)) return undefined;
  const parameters = parseJson(run.parameters);
  const bucket = str(parameters?.Bucket);
  const key = str(parameters?.Key);
  if (!bucket || !key) return undefined;
  // HeadObject answers have no body, so the SDK integration reports only the status: "S3.S3Exception … Status Code: 404".
  return { bucket, key, missing: /NoSuchKey|NotFound|Not Found|AccessDenied|Status Code: 40[34]\b/i.test(`${run.error ?? ""} ${run.cause ?? ""}`) };
}
