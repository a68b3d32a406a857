/**
 * One Athena query from start to end: StartQueryExecution in the environment's workgroup, GetQueryExecution polled
 * with progress, and on Ctrl-C or the deadline StopQueryExecution, so a query nobody waits for stops scanning (and
 * billing) bytes.
 */
import { type AthenaClient, GetQueryExecutionCommand, type QueryExecution, StartQueryExecutionCommand, StopQueryExecutionCommand } from "@aws-sdk/client-athena";
import { randomUUID } from "node:crypto";
import { CliError, describeError, Interrupted, WaitTimeout } from "./errors";
import { formatBytes, formatDuration, type Reporter } from "./output";
import { type PollOptions, pollUntil } from "./poll";

export interface QueryTarget {
  database: string;
  workgroup: string;
}

/** Terminal states (QueryExecutionStatus, Athena API Reference). */
const ENDED: ReadonlySet<string> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/**
 * Starts `sql` with the database as its context. The workgroup enforces its own result location and encryption
 * (enforce_workgroup_configuration), so none is sent. ClientRequestToken: a retried StartQueryExecution with the same
 * token does not start a second query ("StartQueryExecution", Athena API Reference).
 */
export async function startQuery(athena: AthenaClient, sql: string, target: QueryTarget): Promise<string> {
  const started = await athena.send(
    new StartQueryExecutionCommand({ QueryString: sql, QueryExecutionContext: { Database: target.database }, WorkGroup: target.workgroup, ClientRequestToken: randomUUID() }),
  );
  if (!started.QueryExecutionId) throw new CliError(`Athena started no query (no QueryExecutionId in its answer); fix: rerun, and check the workgroup ${target.workgroup}`);
  return started.QueryExecutionId;
}

/** "RUNNING · 3.2s · 1.5 MiB scanned": what the status line shows on each poll. */
export function progressText(id: string, execution: QueryExecution | undefined, elapsedMs: number): string {
  const state = execution?.Status?.State ?? "UNKNOWN";
  const scanned = execution?.Statistics?.DataScannedInBytes;
  return `  query ${id}: ${state} · ${formatDuration(elapsedMs)}${scanned ? ` · ${formatBytes(scanned)} scanned` : ""}`;
}

/** Stops the query after Ctrl-C or the deadline; what the operator is told about it. */
async function stopQuery(athena: AthenaClient, id: string): Promise<string> {
  try {
    await athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    return `query ${id} was stopped (StopQueryExecution)`;
  } catch (err) {
    return `stopping query ${id} failed (${describeError(err)}); it may still run: aws athena stop-query-execution --query-execution-id ${id}`;
  }
}

export interface WaitOptions extends Omit<PollOptions, "interruptMessage"> {
  reporter: Reporter;
}

/**
 * Polls until the query ends. SUCCEEDED returns the execution (its statistics); FAILED and CANCELLED throw Athena's
 * StateChangeReason; Ctrl-C (exit 130) and the deadline stop the query first.
 */
export async function waitForQuery(athena: AthenaClient, id: string, options: WaitOptions): Promise<QueryExecution> {
  const now = options.now ?? Date.now;
  const started = now();
  let execution: QueryExecution | undefined;
  try {
    execution = await pollUntil<QueryExecution>(
      async (abortSignal) => {
        const answer = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal });
        const current = answer.QueryExecution;
        const state = current?.Status?.State ?? "UNKNOWN";
        options.reporter.status(state, progressText(id, current, now() - started));
        return current && ENDED.has(state) ? { done: true, value: current } : { done: false };
      },
      options,
      `query ${id}`,
    );
  } catch (err) {
    if (err instanceof Interrupted) throw new Interrupted(`interrupted (Ctrl-C); ${await stopQuery(athena, id)}`);
    if (err instanceof WaitTimeout) throw new CliError(`${err.message}; ${await stopQuery(athena, id)}. fix: rerun with a larger --timeout, or narrow the query (a WHERE on the partition keys)`);
    // A lost connection or an AWS error ends the wait, not the query: keep the way back to it.
    if (!(err instanceof CliError)) throw new CliError(`${describeError(err)}; query ${id} may still be running: aws athena get-query-execution --query-execution-id ${id}`);
    throw err;
  } finally {
    options.reporter.endStatus();
  }
  const state = execution.Status?.State;
  if (state !== "SUCCEEDED") {
    const reason = execution.Status?.StateChangeReason ?? execution.Status?.AthenaError?.ErrorMessage ?? "Athena gave no reason";
    throw new CliError(`query ${id} ${state}: ${reason}`);
  }
  return execution;
}
