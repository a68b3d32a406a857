/** `steps` and `logs <step-id>`: what ran recently, and what a step printed. */
import { DescribeStepCommand } from "@aws-sdk/client-emr";
import { type Command, Option } from "commander";
import { type CommandRunner, envCommand, positiveInt } from "../lib/cli-args";
import { describeCluster } from "../lib/cluster";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import { table } from "../lib/output";
import { type LogStream, readLog, stepLogLocation, tail } from "../lib/step-logs";
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

export async function logsCommand(ctx: CommandContext, stepId: string, options: { stream: LogStream | "both"; tail?: number }): Promise<number> {
  if (!/^s-[A-Z0-9]+$/.test(stepId)) throw new CliError(`"${stepId}" is not a step id; fix: use an id like s-1A2B3C4D5E6F from npm run emr -- steps ${ctx.name}`);
  const { clusterId } = await ctx.clusterId();
  await requireStep(ctx, clusterId, stepId);
  const cluster = await describeCluster(ctx.clients.emr, clusterId);
  const logUri = cluster.LogUri ?? (await ctx.fallbackLogUri());
  if (!logUri) throw new CliError(`cluster ${clusterId} has no log URI, so its step logs are not in S3; fix: pass --logs-bucket`);
  const streams: LogStream[] = options.stream === "both" ? ["stdout", "stderr"] : [options.stream];
  let found = 0;
  for (const stream of streams) {
    const location = stepLogLocation(logUri, clusterId, stepId, stream);
    const text = await readLog(ctx.clients.s3, location);
    if (text === undefined) {
      ctx.out.warn(`no ${stream} at s3://${location.bucket}/${location.key} yet (EMR copies step logs to S3 within about 5 minutes)`);
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
  return envCommand("logs", "a step's stdout/stderr from the log bucket")
    .argument("<step-id>", "step id (s-…), from the steps command")
    .addOption(new Option("--stream <stream>", "which log").choices(["stderr", "stdout", "both"]).default("both"))
    .option("--tail <lines>", "only the last lines", positiveInt)
    .option("--logs-bucket <name>", "logs bucket, when the cluster has no log URI")
    .action(run((ctx, stepId: string, options: { stream: "stderr" | "stdout" | "both"; tail?: number }) => logsCommand(ctx, stepId, options)));
}
