/**
 * Step Functions calls for pipelines: start an execution, find one, read its history, list recent ones, and wait for
 * one to end (through pollUntil: a deadline, Ctrl-C, a status line that names the running state).
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  type ExecutionListItem,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { CliError, WaitTimeout } from "./errors";
import { formatDuration, type Reporter } from "./output";
import { currentState, stateRuns } from "./pipeline-history";
import { parseStatesArn } from "./states-arn";
import { pollUntil, type PollOptions } from "./poll";

export type SfnApi = Pick<SFNClient, "send">;
export type ExecutionDescription = Omit<DescribeExecutionCommandOutput, "$metadata">;

/** Executions that have ended; everything else (RUNNING, PENDING_REDRIVE) is still going. */
export const ENDED = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]);

/** An execution's ARN from its state machine's and its name (an ARN passes through). */
export function executionArnFor(stateMachineArn: string, execution: string): string {
  if (execution.startsWith("arn:")) return execution;
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${execution}`;
}

/** Execution names: 1–80 characters of letters, digits, - and _ (what CloudWatch accepts; AWS allows more). */
export function executionName(date: string, runId: string): string {
  return `cli-${date}-${runId}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 80);
}

/**
 * Characters an execution name may not contain (StartExecution's `name`: no whitespace, brackets, wildcards, these
 * specials or control characters; https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 */
const NOT_IN_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export interface ExecutionArgumentHints {
  /** How to list the pipeline's executions. */
  listThem: string;
  /** The status command for pipeline `p` and execution `e`. */
  statusOf: (pipeline: string, execution: string) => string;
  /** The pipeline (of the same environment) whose state machine is named `machine`, if any. */
  otherPipeline: (machine: string) => Promise<string | undefined>;
}

/**
 * `status`'s execution argument, checked before any call: empty (an unset "$EXEC" would otherwise show the latest
 * run, a different one), neither a name nor an execution ARN, or an execution of another state machine (whose report
 * would be printed under this pipeline's name). Returns the argument.
 */
export async function checkExecutionArgument(execution: string, pipeline: { name: string; stateMachineArn: string }, hints: ExecutionArgumentHints): Promise<string> {
  if (execution.trim() === "") {
    throw new CliError(`the execution argument is empty (an unset variable?); fix: an execution name from ${hints.listThem}, or leave it out for the latest`);
  }
  if (!execution.startsWith("arn:")) {
    if (execution.length > 80 || NOT_IN_NAME.test(execution)) throw new CliError(`${JSON.stringify(execution)} is not an execution name or ARN; fix: a name from ${hints.listThem}`);
    return execution;
  }
  const parsed = parseStatesArn(execution);
  if (!parsed?.execution) throw new CliError(`${JSON.stringify(execution)} is not an execution name or ARN; fix: a name from ${hints.listThem}`);
  const own = parseStatesArn(pipeline.stateMachineArn);
  if (own && (parsed.stateMachine !== own.stateMachine || parsed.region !== own.region || parsed.account !== own.account)) {
    const other = await hints.otherPipeline(parsed.stateMachine);
    const where = parsed.region !== own.region || parsed.account !== own.account ? ` in ${parsed.region}/${parsed.account}` : "";
    throw new CliError(
      `execution ${parsed.execution} belongs to ${parsed.stateMachine}${where}, not ${pipeline.name} (${own.stateMachine}); ` +
        `fix: ${other ? hints.statusOf(other, parsed.execution) : `pass that pipeline's name, or --state-machine-arn of ${parsed.stateMachine}`}`,
    );
  }
  return execution;
}

/** Fails before anything is uploaded or started when the pipeline's state machine does not exist (DescribeStateMachine). */
export async function requireStateMachine(sfn: SfnApi, pipeline: { name: string; stateMachineArn: string }, fix: string): Promise<void> {
  try {
    await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: pipeline.stateMachineArn }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === "StateMachineDoesNotExist" || name === "InvalidArn") {
      throw new CliError(`the state machine of pipeline ${pipeline.name} ("${pipeline.stateMachineArn}") does not exist (${name}; the stack's outputs are stale?); nothing was uploaded or started. fix: ${fix}`);
    }
    throw err;
  }
}

function translate(err: unknown, what: string, hint: string): never {
  const name = (err as { name?: string }).name;
  if (name === "ExecutionDoesNotExist") throw new CliError(`${what} does not exist; fix: ${hint}`);
  if (name === "StateMachineDoesNotExist") throw new CliError(`the state machine of ${what} does not exist (the stack's outputs are stale?); fix: redeploy, or check --state-machine-arn`);
  if (name === "ExecutionAlreadyExists") throw new CliError(`${what} already exists with a different input; fix: rerun (a new run id is drawn)`);
  throw err;
}

export async function startExecution(sfn: SfnApi, stateMachineArn: string, name: string, input: object): Promise<{ executionArn: string; startDate?: Date }> {
  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    if (!started.executionArn) throw new CliError(`Step Functions accepted execution ${name} but returned no ARN`);
    return { executionArn: started.executionArn, startDate: started.startDate };
  } catch (err) {
    return translate(err, `execution ${name}`, "rerun");
  }
}

export async function describeExecution(sfn: SfnApi, executionArn: string, hint: string): Promise<ExecutionDescription> {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (err) {
    return translate(err, `execution ${executionArn.split(":").pop()}`, hint);
  }
}

/** The whole history, oldest first (pages of 1000, the API's maximum). */
export async function executionHistory(sfn: SfnApi, executionArn: string, hint: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (err) {
    return translate(err, `execution ${executionArn.split(":").pop()}`, hint);
  }
  return events;
}

/** The newest executions first (ListExecutions' order), at most `limit`; only those in `status` when given. */
export async function recentExecutions(sfn: SfnApi, stateMachineArn: string, limit: number, status?: ExecutionStatus): Promise<ExecutionListItem[]> {
  const executions: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: status, maxResults: Math.min(limit - executions.length, 1000), nextToken }));
      executions.push(...(page.executions ?? []));
      nextToken = page.nextToken;
    } while (nextToken && executions.length < limit);
  } catch (err) {
    return translate(err, stateMachineArn.split(":").pop()!, "redeploy");
  }
  return executions.slice(0, limit);
}

export interface ExecutionWaitOptions extends Omit<PollOptions, "interruptMessage"> {
  reporter: Reporter;
  /** How to look at it later (printed on Ctrl-C and timeout). */
  resumeHint: string;
}

/**
 * Polls until the execution ends; returns its final description. The status line names the state running now (the
 * newest events of the history), so a four-hour wait shows where the pipeline is.
 */
export async function waitForExecution(sfn: SfnApi, executionArn: string, options: ExecutionWaitOptions): Promise<ExecutionDescription> {
  const now = options.now ?? Date.now;
  const started = now();
  const name = executionArn.split(":").pop();
  try {
    return await pollUntil<ExecutionDescription>(
      async () => {
        const execution = await describeExecution(sfn, executionArn, options.resumeHint);
        const status = execution.status ?? "UNKNOWN";
        if (ENDED.has(status)) return { done: true, value: execution };
        const running = currentState(stateRuns(await executionHistory(sfn, executionArn, options.resumeHint)));
        const at = running ? ` · ${running.name}` : "";
        options.reporter.status(`${status}${at}`, `  ${name}: ${status}${at} · ${formatDuration(now() - started)}`);
        return { done: false };
      },
      { ...options, interruptMessage: `interrupted; execution ${name} keeps running. ${options.resumeHint}` },
      `execution ${name}`,
    );
  } catch (err) {
    if (err instanceof WaitTimeout) throw new WaitTimeout(`${err.message}; it keeps running. ${options.resumeHint}`);
    throw err;
  } finally {
    options.reporter.endStatus();
  }
}
