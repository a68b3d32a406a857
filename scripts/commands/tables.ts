/** `tables <env>`: the Glue tables of the environment's catalog database: format, partition keys, location. */
import type { Command } from "commander";
import { type CommandRunner, envCommand } from "../lib/cli-args";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import { listGlueTables, tableRows } from "../lib/glue-tables";
import { table } from "../lib/output";

export async function tablesCommand(ctx: CommandContext, options: { json?: boolean }): Promise<number> {
  const catalog = await ctx.catalog();
  const tables = await listGlueTables(ctx.clients.glue, catalog.database).catch((err: Error) => {
    // The output names a database Glue does not have: the stack was destroyed or the apply did not finish.
    if (err.name === "EntityNotFoundException") throw new CliError(`the Glue database ${catalog.database} of ${ctx.name} does not exist; fix: npm run deploy -- ${ctx.name}`);
    throw err;
  });
  const rows = tableRows(tables);
  if (options.json) {
    ctx.out.line(JSON.stringify({ database: catalog.database, tables: rows }, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    ctx.out.line(`no tables in ${catalog.database}`);
    return 0;
  }
  const lines = table([["table", "format", "partitions", "location"], ...rows.map((r) => [r.name, r.format, r.partitionKeys.join(", ") || "-", r.location])]);
  for (const line of lines) ctx.out.line(line);
  return 0;
}

export function defineTables(run: CommandRunner): Command {
  return envCommand("tables", "the Glue tables of the environment's catalog (format, partition keys, location), sorted by name")
    .option("--json", "print {database, tables: [{name, location, partitionKeys, format}]} as JSON")
    .action(run((ctx, options: { json?: boolean }) => tablesCommand(ctx, options)));
}
