/** `runs <env>`: recent EMR Serverless job runs of the environment's application, newest first. */
import { type Command, Option } from "commander";
import { type CommandRunner, envCommand, positiveInt } from "../lib/cli-args";
import type { CommandContext } from "../lib/context";
import { JOB_RUN_STATES, jobRunRow, listRecentJobRuns } from "../lib/job-runs";
import { table } from "../lib/output";
import { getApplication } from "../lib/serverless-application";

type JobRunStateName = (typeof JOB_RUN_STATES)[number];

export async function runsCommand(ctx: CommandContext, options: { limit: number; state?: JobRunStateName }): Promise<number> {
  const output = await ctx.serverless();
  // Confirms the id first, so a stale output reads "does not exist; deploy" rather than an empty table.
  await getApplication(ctx.clients.emrServerless, output, ctx.name);
  const runs = await listRecentJobRuns(ctx.clients.emrServerless, output.applicationId, options).catch((err: Error) => {
    // The application exists (just read): moto, the local environment's endpoint, answers ListJobRuns on an
    // application without runs with ResourceNotFoundException (moto/emrserverless/models.py list_job_runs); AWS with [].
    if (err.name === "ResourceNotFoundException") return [];
    throw err;
  });
  if (runs.length === 0) {
    ctx.out.line(`no ${options.state ? `${options.state} ` : ""}job runs on ${output.applicationId}`);
    return 0;
  }
  const now = ctx.deps.now();
  for (const line of table([["job run", "name", "state", "created", "duration"], ...runs.map((r) => jobRunRow(r, now))])) ctx.out.line(line);
  return 0;
}

export function defineRuns(run: CommandRunner): Command {
  return envCommand("runs", "recent EMR Serverless job runs (id, name, state, created, duration), newest first")
    .option("--limit <n>", "how many job runs", positiveInt, 10)
    .addOption(new Option("--state <state>", "only job runs in this state").choices(JOB_RUN_STATES))
    .action(run((ctx, options: { limit: number; state?: JobRunStateName }) => runsCommand(ctx, options)));
}
