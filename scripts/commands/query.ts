/**
 * `query <env> "<sql>"`: runs SQL in the environment's Athena workgroup against its Glue database and prints the
 * rows. With --output csv|json, stdout holds only the rows; progress and the summary line go to stderr.
 */
import { InvalidArgumentError, type Command, Option } from "commander";
import { startQuery, waitForQuery } from "../lib/athena-query";
import { type CommandRunner, envCommand, positiveNumber } from "../lib/cli-args";
import type { CommandContext } from "../lib/context";
import { formatBytes, formatDuration, Reporter } from "../lib/output";
import { fetchQueryResults, OUTPUT_FORMATS, type OutputFormat, renderQueryResult } from "../lib/query-results";

interface QueryOptions {
  output: OutputFormat;
  timeout: number;
}

/** Athena refuses an empty QueryString; say so before any call. */
export function sqlArg(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError('the SQL is empty; fix: pass the query as one quoted argument, e.g. "SELECT 1"');
  return value;
}

export async function queryCommand(ctx: CommandContext, sql: string, options: QueryOptions): Promise<number> {
  const catalog = await ctx.catalog();
  const machine = options.output !== "table";
  const { stderr, env, now } = ctx.deps;
  const progress = machine ? new Reporter(stderr, stderr, { interactive: Boolean(stderr.isTTY) && !env.CI, now }) : ctx.out;
  const athena = ctx.clients.athena;
  const id = await startQuery(athena, sql, catalog);
  progress.line(`query ${id} started in workgroup ${catalog.workgroup} (database ${catalog.database})`);
  const execution = await waitForQuery(athena, id, { ...ctx.poll(options.timeout * 1000), reporter: progress });
  const result = await fetchQueryResults(athena, id, execution.StatementType);
  for (const line of renderQueryResult(result, options.output)) ctx.out.line(line);
  const stats = execution.Statistics;
  progress.line(`scanned ${formatBytes(stats?.DataScannedInBytes ?? 0)} · engine time ${formatDuration(stats?.EngineExecutionTimeInMillis ?? 0)} · query ${id}`);
  return 0;
}

export function defineQuery(run: CommandRunner): Command {
  return envCommand("query", "run SQL in the environment's Athena workgroup against its Glue database and print the rows")
    .argument("<sql>", 'the query, one quoted argument (e.g. "SELECT * FROM fraud_rejected LIMIT 10")', sqlArg)
    .addOption(new Option("--output <format>", "rows as an aligned table, CSV or a JSON array of objects (csv/json: progress and summary on stderr)").choices(OUTPUT_FORMATS).default("table"))
    .option("--timeout <seconds>", "stop the query (StopQueryExecution) and fail if it has not ended by then", positiveNumber, 600)
    .action(run((ctx, sql: string, options: QueryOptions) => queryCommand(ctx, sql, options)));
}
