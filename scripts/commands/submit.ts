/** `submit <job> [-- args]`: add a spark-submit step running the uploaded job; `--wait` follows it to the end. */
import type { ActionOnFailure, Step } from "@aws-sdk/client-emr";
import { type Command, Option } from "commander";
import { type CommandRunner, envCommand, positiveNumber, withBucketOptions } from "../lib/cli-args";
import { describeCluster, requireRunning } from "../lib/cluster";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import { failureLogLocation, stepLogLocation, tail, waitForLog } from "../lib/step-logs";
import { checkedJob, jobChoices } from "../lib/job-arguments";
import { ACTIONS_ON_FAILURE, addStep, classifyStep, sparkSubmitStep, waitForStep } from "../lib/steps";
import { submitServerlessCommand } from "./submit-serverless";
import type { UploadedBundle } from "./upload";
import { jobArtifactUris, uploadJobs } from "./upload";

export interface SubmitOptions {
  actionOnFailure: ActionOnFailure;
  wait?: boolean;
  timeoutMinutes: number;
  name?: string;
}

export interface SubmittedStep {
  clusterId: string;
  stepId: string;
}

/** The running cluster a step goes to: resolved, described, and refused unless RUNNING/WAITING. */
export async function runningClusterId(ctx: CommandContext): Promise<string> {
  const { clusterId, via, cluster: described } = await ctx.clusterId();
  const cluster = described ?? (await describeCluster(ctx.clients.emr, clusterId));
  requireRunning(cluster, ctx.name);
  ctx.out.line(`  cluster ${clusterId} (${cluster.Status?.State}, via ${via})`);
  return clusterId;
}

export async function submitStep(
  ctx: CommandContext,
  clusterId: string,
  uploaded: UploadedBundle,
  job: string,
  jobArgs: readonly string[],
  options: { actionOnFailure: ActionOnFailure; name: string },
): Promise<SubmittedStep> {
  const step = sparkSubmitStep({
    name: options.name,
    ...jobArtifactUris(ctx, uploaded, job),
    jobArgs,
    actionOnFailure: options.actionOnFailure,
  });
  const stepId = await addStep(ctx.clients.emr, clusterId, step);
  ctx.out.line(`  step ${stepId} added to ${clusterId}: ${step.HadoopJarStep!.Args!.join(" ")}`);
  return { clusterId, stepId };
}

/**
 * Waits for the step; on failure prints the tail of its stderr from the log bucket (EMR copies it there within
 * minutes, so this waits for it too) and throws with the failure reason.
 */
export async function followStep(ctx: CommandContext, submitted: SubmittedStep, timeoutMinutes: number, tailLines = 40): Promise<Step> {
  const { clusterId, stepId } = submitted;
  const resume = `Follow it with: npm run emr -- steps ${ctx.name}; logs: npm run emr -- logs ${ctx.name} ${stepId}`;
  const step = await waitForStep(ctx.clients.emr, clusterId, stepId, { ...ctx.poll(timeoutMinutes * 60_000), reporter: ctx.out, resumeHint: resume });
  const verdict = classifyStep(step);
  if (verdict.kind !== "failed") return step;

  const logFile = step.Status?.FailureDetails?.LogFile;
  let location;
  if (logFile) location = failureLogLocation(logFile);
  else {
    const logUri = (await describeCluster(ctx.clients.emr, clusterId)).LogUri ?? (await ctx.fallbackLogUri());
    if (logUri) location = stepLogLocation(logUri, clusterId, stepId, "stderr");
  }
  if (!location) {
    ctx.out.warn(`cluster ${clusterId} has no log URI, so the step's stderr is not in S3 (pass --logs-bucket if it writes elsewhere)`);
  } else {
    ctx.out.line(`  waiting for s3://${location.bucket}/${location.key} (EMR copies step logs to S3 within minutes) …`);
    const text = await waitForLog(ctx.clients.s3, location, {
      ...ctx.poll(ctx.deps.timing.logWaitMs),
      interruptMessage: `interrupted; read the log later with: npm run emr -- logs ${ctx.name} ${stepId}`,
    });
    if (text === undefined) ctx.out.warn(`stderr not in S3 yet; read it later with: npm run emr -- logs ${ctx.name} ${stepId}`);
    else {
      ctx.out.line(`  last ${tailLines} lines of stderr:`);
      for (const line of tail(text, tailLines).split("\n")) ctx.out.line(`    ${line}`);
    }
  }
  throw new CliError(verdict.message);
}

export async function submitCommand(ctx: CommandContext, jobRequested: string, jobArgs: readonly string[], options: SubmitOptions): Promise<number> {
  // The job and its arguments first: a typo must not cost a cluster lookup and an upload.
  const job = checkedJob(jobRequested, jobArgs).name;
  const clusterId = await runningClusterId(ctx);
  const uploaded = await uploadJobs(ctx);
  const submitted = await submitStep(ctx, clusterId, uploaded, job, jobArgs, {
    actionOnFailure: options.actionOnFailure,
    name: options.name ?? `${job} ${ctx.deps.runId()}`,
  });
  if (!options.wait) {
    ctx.out.line(`  follow it: npm run emr -- steps ${ctx.name}   logs: npm run emr -- logs ${ctx.name} ${submitted.stepId}`);
    return 0;
  }
  await followStep(ctx, submitted, options.timeoutMinutes);
  ctx.out.line(`  step ${submitted.stepId} COMPLETED`);
  return 0;
}

export function defineSubmit(run: CommandRunner): Command {
  return withBucketOptions(envCommand("submit", "add a spark-submit step for <job> (arguments after --), or with --serverless start an EMR Serverless job run; --wait follows it"))
    .argument("<job>", `job: ${jobChoices()}`)
    .argument("[jobArgs...]", "arguments for the job, after --")
    .option("--serverless", "start a job run on the environment's EMR Serverless application instead of a step on the cluster")
    .addOption(new Option("--action-on-failure <action>", "what EMR does when the step fails (cluster only)").choices(ACTIONS_ON_FAILURE).default("CONTINUE"))
    .option("--wait", "wait for the step or job run to finish (exit 1 if it fails or is cancelled)")
    .option("--name <name>", "step or job run name (default: <job> <run id>)")
    .option("--logs-bucket <name>", "logs bucket, when the cluster has no log URI")
    .option("--timeout <minutes>", "minutes to wait with --wait", positiveNumber, 60)
    .action(
      run((ctx, job: string, jobArgs: string[], options: { serverless?: boolean; actionOnFailure: ActionOnFailure; wait?: boolean; name?: string; timeout: number }) =>
        options.serverless
          ? submitServerlessCommand(ctx, job, jobArgs, { wait: options.wait, name: options.name, timeoutMinutes: options.timeout })
          : submitCommand(ctx, job, jobArgs, { actionOnFailure: options.actionOnFailure, wait: options.wait, name: options.name, timeoutMinutes: options.timeout }),
      ),
    );
}
