/** Where an EMR Serverless job run's driver logs are, for `logs <env> <job-run-id>` (scripts/commands/steps.ts). */
import { GetJobRunCommand, type JobRun } from "@aws-sdk/client-emr-serverless";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import { jobRunLogLocation } from "../lib/job-runs";
import type { LogSource } from "./steps";

async function requireJobRun(ctx: CommandContext, applicationId: string, jobRunId: string): Promise<JobRun> {
  const missing = new CliError(`job run ${jobRunId} does not exist on the EMR Serverless application ${applicationId}; fix: pick one from npm run emr -- runs ${ctx.name}`);
  try {
    const { jobRun } = await ctx.clients.emrServerless.send(new GetJobRunCommand({ applicationId, jobRunId }));
    if (!jobRun?.jobRunId) throw missing;
    return jobRun;
  } catch (err) {
    if ((err as Error).name === "ResourceNotFoundException") throw missing;
    throw err;
  }
}

export async function jobRunLogSource(ctx: CommandContext, jobRunId: string): Promise<LogSource> {
  const output = await ctx.serverless();
  const run = await requireJobRun(ctx, output.applicationId, jobRunId);
  // A run started elsewhere (a pipeline, the console) may name its own log URI; it wins over the stack's.
  const logUri = run.configurationOverrides?.monitoringConfiguration?.s3MonitoringConfiguration?.logUri ?? output.logUri;
  const state = run.state ?? "UNKNOWN";
  const running = !["SUCCESS", "FAILED", "CANCELLED"].includes(state);
  return {
    location: (stream) => jobRunLogLocation(logUri, output.applicationId, jobRunId, stream),
    defaultStream: "stderr",
    arrival: running ? `the job run is ${state}; its driver logs arrive in S3 while it runs and shortly after it ends` : "driver logs arrive in S3 shortly after the run ends; a run that never started a driver has none",
  };
}
