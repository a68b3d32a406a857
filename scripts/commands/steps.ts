/** `steps` and `logs <step-id|job-run-id>`: what ran recently, and what a step or an EMR Serverless job run printed. */
import { DescribeStepCommand } from "@aws-sdk/client-emr";
import { type Command, Option } from "commander";
import { type CommandRunner, envCommand, positiveInt } from "../lib/cli-args";
import { describeCluster } from "../lib/cluster";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import { table } from "../lib/output";
import { JOB_RUN_ID } from "../lib/job-runs";
import { type LogStream, readLog, type S3Location, stepLogLocation, tail } from "../lib/step-logs";
import { jobRunLogSource } from "./job-run-logs";
import { listRecentSteps, stepRow } from "../lib/steps";

export async function stepsCommand(ctx: CommandContext, options: { limit: number }): Promise<number> {
  const { clusterId } = await ctx.clusterId();
  const steps = await listRecentSteps(ctx.clients.emr, clusterId, options.limit);
  if (steps.length === 0) {
    ctx.out.line(`no steps on ${clusterId}`);
    return 0;
  }
  const now = ctx.deps.now();
  for (const line of table([["step", "state", "duration", "created", "name"], ...steps.map((s) => stepRow(s, now))])) ctx.out.line(line);
  return 0;
}

/** An unknown step id: EMR's only user-input error for DescribeStep is InvalidRequestException (API reference,
 * DescribeStep); moto answers with no Step. Either way, say the step does not exist instead of "not copied yet". */
async function requireStep(ctx: CommandContext, clusterId: string, stepId: string): Promise<void> {
  const missing = new CliError(`step ${stepId} does not exist on cluster ${clusterId}; fix: pick one from npm run emr -- steps ${ctx.name}`);
  try {
    const { Step: step } = await ctx.clients.emr.send(new DescribeStepCommand({ ClusterId: clusterId, StepId: stepId }));
    if (!step?.Id) throw missing;
  } catch (err) {
    if ((err as Error).name === "InvalidRequestException") throw missing;
    throw err;
  }
}

/** Where one step's or job run's logs are, and what to say while one is not there yet. */
export interface LogSource {
  location(stream: LogStream): S3Location;
  /** Which log `--stream` defaults to. */
  defaultStream: LogStream | "both";
  /** Why a log may be missing yet: when it arrives. */
  arrival: string;
}

async function stepLogSource(ctx: CommandContext, stepId: string): Promise<LogSource> {
  const { clusterId } = await ctx.clusterId();
  await requireStep(ctx, clusterId, stepId);
  const cluster = await describeCluster(ctx.clients.emr, clusterId);
  const logUri = cluster.LogUri ?? (await ctx.fallbackLogUri());
  if (!logUri) throw new CliError(`cluster ${clusterId} has no log URI, so its step logs are not in S3; fix: pass --logs-bucket`);
  return { location: (stream) => stepLogLocation(logUri, clusterId, stepId, stream), defaultStream: "both", arrival: "EMR copies step logs to S3 within about 5 minutes" };
}

export async function logsCommand(ctx: CommandContext, id: string, options: { stream?: LogStream | "both"; tail?: number }): Promise<number> {
  const isStep = /^s-[A-Z0-9]+$/.test(id);
  if (!isStep && !JOB_RUN_ID.test(id)) {
    throw new CliError(
      `"${id}" is neither a step id (like s-1A2B3C4D5E6F) nor an EMR Serverless job run id (like 00fabcdefghij012); ` +
        `fix: copy one from npm run emr -- steps ${ctx.name} or npm run emr -- runs ${ctx.name}`,
    );
  }
  const source = isStep ? await stepLogSource(ctx, id) : await jobRunLogSource(ctx, id);
  const stream = options.stream ?? source.defaultStream;
  const streams: LogStream[] = stream === "both" ? ["stdout", "stderr"] : [stream];
  let found = 0;
  for (const stream of streams) {
    const location = source.location(stream);
    const text = await readLog(ctx.clients.s3, location);
    if (text === undefined) {
      ctx.out.warn(`no ${stream} at s3://${location.bucket}/${location.key} yet (${source.arrival})`);
      continue;
    }
    found++;
    ctx.out.line(`==> ${stream} (s3://${location.bucket}/${location.key})`);
    ctx.out.line(options.tail ? tail(text, options.tail) : text.replace(/\n$/, ""));
  }
  return found > 0 ? 0 : 1;
}

export function defineSteps(run: CommandRunner): Command {
  return envCommand("steps", "recent steps with state and duration")
    .option("--limit <n>", "how many steps", positiveInt, 10)
    .action(run((ctx, options: { limit: number }) => stepsCommand(ctx, { limit: options.limit })));
}

export function defineLogs(run: CommandRunner): Command {
  return envCommand("logs", "a step's stdout/stderr, or an EMR Serverless job run's driver stdout/stderr, from the log bucket")
    .argument("<id>", "step id (s-…, from the steps command) or EMR Serverless job run id (from the runs command)")
    .addOption(new Option("--stream <stream>", "which log (default: both for a step, the driver's stderr for a job run)").choices(["stderr", "stdout", "both"]))
    .option("--tail <lines>", "only the last lines", positiveInt)
    .option("--logs-bucket <name>", "logs bucket, when the cluster has no log URI")
    .action(run((ctx, id: string, options: { stream?: "stderr" | "stdout" | "both"; tail?: number }) => logsCommand(ctx, id, options)));
}
