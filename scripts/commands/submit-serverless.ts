/**
 * `submit <env> <job> --serverless`: the same job, arguments and uploaded bundle as a cluster step, started as an EMR
 * Serverless job run on the environment's application; `--wait` follows it to the end.
 */
import { randomUUID } from "node:crypto";
import type { JobRun } from "@aws-sdk/client-emr-serverless";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import { checkedJob } from "../lib/job-arguments";
import { classifyJobRun, jobRunRequest, startJobRun, waitForJobRun } from "../lib/job-runs";
import { getApplication, requireAcceptsJobs } from "../lib/serverless-application";
import { jobArtifactUris, uploadJobs } from "./upload";

export interface ServerlessSubmitOptions {
  wait?: boolean;
  timeoutMinutes: number;
  name?: string;
}

/** How to look at a run later: the runs table and its driver's logs. */
const followHint = (environment: string, jobRunId: string) => `npm run emr -- runs ${environment}; logs: npm run emr -- logs ${environment} ${jobRunId}`;

export async function submitServerlessCommand(ctx: CommandContext, jobRequested: string, jobArgs: readonly string[], options: ServerlessSubmitOptions): Promise<number> {
  // Everything checkable without AWS first: a typo or a job the image cannot run must not cost an upload.
  const job = checkedJob(jobRequested, jobArgs);
  const output = await ctx.serverless();
  if (job.emrImageBlocker !== null && output.imageUri === null) {
    const why = job.needsPandas ? "needs pandas" : "needs Python 3.10 or later";
    throw new CliError(
      `${job.name} ${why}, which EMR Serverless's own image (Python 3.9, no pandas) lacks (${job.emrImageBlocker}), and ${ctx.name}'s application runs no jobs' image yet; ` +
        `fix: npm run emr -- image push ${ctx.name}, set serverless.imageTag in environments/${ctx.name}.ts and deploy (or submit it to the cluster without --serverless)`,
    );
  }
  const application = await getApplication(ctx.clients.emrServerless, output, ctx.name);
  requireAcceptsJobs(application, ctx.name);
  ctx.out.line(`  application ${output.applicationId} (${application.state}, ${output.releaseLabel}, ${output.imageUri ?? "EMR's own image"})`);

  const uploaded = await uploadJobs(ctx);
  const request = jobRunRequest({
    applicationId: output.applicationId,
    executionRoleArn: output.runtimeRoleArn,
    clientToken: randomUUID(),
    name: options.name ?? `${job.name} ${ctx.deps.runId()}`,
    ...jobArtifactUris(ctx, uploaded, job.name),
    jobArgs,
    logUri: output.logUri,
  });
  const jobRunId = await startJobRun(ctx.clients.emrServerless, request, ctx.name);
  ctx.out.line(`  job run ${jobRunId} started on ${output.applicationId}: ${request.jobDriver!.sparkSubmit!.entryPoint} ${jobArgs.join(" ")}`.trimEnd());
  if (!options.wait) {
    ctx.out.line(`  follow it: ${followHint(ctx.name, jobRunId)}`);
    return 0;
  }
  ctx.out.line("  waiting (Ctrl-C stops waiting, not the job run) …");
  const run: JobRun = await waitForJobRun(ctx.clients.emrServerless, output.applicationId, jobRunId, {
    ...ctx.poll(options.timeoutMinutes * 60_000),
    reporter: ctx.out,
    resumeHint: `Follow it with: ${followHint(ctx.name, jobRunId)}`,
  });
  const verdict = classifyJobRun(run);
  if (verdict.kind === "failed") {
    ctx.out.line(`  driver's stderr: npm run emr -- logs ${ctx.name} ${jobRunId} (EMR Serverless writes it to S3 when the run ends)`);
    throw new CliError(verdict.message);
  }
  ctx.out.line(`  job run ${jobRunId} SUCCESS`);
  return 0;
}
