/**
 * `pipeline list|run|status|history`: the operator's view of an environment's Step Functions pipelines. The stack's
 * `pipelines` output names each pipeline's state machine; `run` uploads the checked-out jobs first (content-addressed,
 * as `upload` does), so an execution runs exactly that code, and passes the logical date and the code manifest (scripts/lib/code-manifest.ts)
 * in the execution's input only: what scheduled runs execute (jobs/pipeline-code.json) is recorded by `deploy`, or by
 * `upload --for-schedules`, never by an ad-hoc run.
 */
import { Command, InvalidArgumentError } from "commander";
import type { ExecutionInput } from "../../contracts/step-functions";
import { ENVIRONMENT_NAMES } from "../../environments/names";
import type { CommandContext, CommonOptions } from "../lib/context";
import { type CommandRunner, positiveInt, positiveNumber } from "../lib/cli-args";
import { CliError, EXIT, Interrupted } from "../lib/errors";
import { formatDuration, table } from "../lib/output";
import {
  checkExecutionArgument,
  describeExecution,
  executionArnFor,
  executionHistory,
  executionName,
  recentExecutions,
  requireStateMachine,
  startExecution,
  waitForExecution,
} from "../lib/pipeline-executions";
import type * as PipelineOutputs from "../lib/pipeline-outputs";
import type { PipelineInfo } from "../lib/pipeline-outputs";
import { executionOutcome, isoSeconds, printExecutionReport } from "../lib/pipeline-report";
import { type UploadedBundle, uploadJobs } from "./upload";
import type * as LocalPipeline from "../lib/local-pipeline";

/** Loaded when a pipeline command runs, not for `emr --help`: it brings the pipelines' zod schemas and every environment. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pipelineOutputs = (): typeof PipelineOutputs => require("../lib/pipeline-outputs");

interface PipelineOptions extends CommonOptions {
  stateMachineArn?: string;
}

/** --date: a real calendar day, YYYY-MM-DD. */
export function parseLogicalDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value) throw new InvalidArgumentError("must be a calendar date, YYYY-MM-DD (e.g. 2026-01-31)");
  return value;
}

/** The pipelines the stack's outputs name; `arnOption`: the command takes --state-machine-arn (the fix may name it). */
async function pipelines(ctx: CommandContext, arnOption = true): Promise<PipelineInfo[]> {
  const { outputs, unavailable } = await ctx.outputs();
  return pipelineOutputs().pipelinesFromOutputs(ctx.name, outputs, unavailable, arnOption);
}

/** --state-machine-arn (refused when not this environment's, unless --force), else the pipeline of that name in the outputs. */
async function resolvePipeline(ctx: CommandContext, name: string, options: PipelineOptions): Promise<PipelineInfo> {
  if (options.stateMachineArn !== undefined) return pipelineOutputs().pipelineFromArn(options.stateMachineArn, name, ctx.config, options.force);
  return pipelineOutputs().findPipeline(ctx.name, await pipelines(ctx), name, ctx.config);
}

const describeSchedule = (p: PipelineInfo) => (p.schedule ? `${p.schedule.cron} (${p.schedule.timezone})` : "-");
const describeTrigger = (p: PipelineInfo) => (p.trigger ? `${p.trigger.prefix}…/${p.trigger.marker}` : "-");

export async function pipelineList(ctx: CommandContext): Promise<number> {
  const all = await pipelines(ctx, false);
  if (all.length === 0) {
    ctx.out.line(`${ctx.name} runs no pipelines`);
    return EXIT.ok;
  }
  const now = ctx.deps.now();
  // One ListExecutions per pipeline, in parallel: the newest execution is the last run.
  const lastRuns = await Promise.all(
    all.map(async (p) => {
      try {
        const [last] = await recentExecutions(ctx.clients.sfn, p.stateMachineArn, 1);
        if (!last) return "never";
        const took = last.startDate ? formatDuration((last.stopDate?.getTime() ?? now) - last.startDate.getTime()) : "-";
        return `${last.status} ${isoSeconds(last.startDate)} (${took})`;
      } catch (err) {
        if (err instanceof CliError) return "state machine missing (redeploy)";
        throw err;
      }
    }),
  );
  const rows = all.map((p, i) => [p.name, p.runtime ?? "-", describeSchedule(p), describeTrigger(p), String(p.steps?.length ?? "-"), lastRuns[i]]);
  for (const line of table([["pipeline", "runtime", "schedule", "trigger", "steps", "last run"], ...rows])) ctx.out.line(line);
  return EXIT.ok;
}

/** What the state machine receives: the logical date, and the code to run (contracts/step-functions.ts ExecutionInput). */
export function executionInput(date: string, uploaded: UploadedBundle): ExecutionInput {
  return { date, code: uploaded.code };
}

export interface PipelineRunOptions {
  date?: string;
  wait?: boolean;
  timeoutMinutes: number;
}

export interface LocalRunFlags {
  local?: boolean;
  days?: number;
  root?: string;
  stackJson?: string;
  freshSpark?: boolean;
}

/**
 * `run --local`: the environment's synthesized definition executed on this machine (scripts/lib/local-pipeline),
 * local Spark and a directory for the buckets; nothing in AWS is touched. Exit 0 when every day succeeded, 2 when a
 * gate stopped a day, 1 otherwise (as `run --wait`).
 */
export async function pipelineRunLocal(ctx: CommandContext, name: string, options: PipelineRunOptions & LocalRunFlags): Promise<number> {
  // Loaded on demand: the interpreter and, for synth, cdktf are only needed here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const local = require("../lib/local-pipeline") as typeof LocalPipeline;
  const repoRoot = ctx.deps.repoRoot;
  const date = options.date ?? new Date(ctx.deps.now()).toISOString().slice(0, 10);
  const days = options.days ?? 1;
  let cleanup = () => {};
  let stack: LocalPipeline.LocalStack;
  if (options.stackJson) {
    stack = local.readStack(options.stackJson, repoRoot, ctx.name);
    ctx.out.line(`definition: ${options.stackJson}`);
  } else {
    const synthesized = local.synthesizeStack(ctx.name, repoRoot);
    ({ stack, cleanup } = synthesized);
    ctx.out.line(`definition: synthesized from the checked-out code (emr-${ctx.name})`);
  }
  try {
    const results = await local.runLocalPipeline({
      stack,
      pipeline: name,
      date,
      days,
      root: options.root ?? local.defaultRoot(repoRoot, ctx.name),
      repoRoot,
      jobsDir: ctx.jobsDir,
      python: ctx.deps.env.EMR_LOCAL_PYTHON ?? local.defaultPython(repoRoot),
      freshSpark: options.freshSpark,
      spark: options.freshSpark ? undefined : ctx.deps.localSpark,
      line: (text) => ctx.out.line(text),
    });
    const last = results[results.length - 1];
    ctx.out.line("");
    ctx.out.line(`${name} (${ctx.name}, local): ${results.map((r) => `${r.date} ${r.status}`).join(", ")}`);
    return last ? last.exitCode : EXIT.error;
  } finally {
    cleanup();
  }
}

export async function pipelineRun(ctx: CommandContext, name: string, options: PipelineOptions & PipelineRunOptions & LocalRunFlags): Promise<number> {
  const localOnly = (["days", "root", "stackJson", "freshSpark"] as const).filter((k) => options[k] !== undefined);
  if (!options.local && localOnly.length) throw new CliError(`--${localOnly[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies only to a local run; fix: add --local`);
  if (options.local) {
    if (options.wait) throw new CliError("--local runs on this machine and always waits; fix: drop --wait");
    if (options.stateMachineArn) throw new CliError("--local runs the synthesized definition, not a deployed state machine; fix: drop --state-machine-arn, or use --stack-json <cdk.tf.json>");
    return pipelineRunLocal(ctx, name, options);
  }
  const pipeline = await resolvePipeline(ctx, name, options);
  const date = options.date ?? new Date(ctx.deps.now()).toISOString().slice(0, 10);
  const total = options.wait ? 3 : 2;
  // Before uploading anything: a stale output or a mistyped ARN is one line, with nothing uploaded.
  await requireStateMachine(ctx.clients.sfn, pipeline, `npm run deploy -- ${ctx.name}${options.stateMachineArn !== undefined ? ", or check --state-machine-arn" : ""}`);
  // The code goes in the execution's input only: an ad-hoc run does not change what the schedules run (deploy does).
  const uploaded = await ctx.out.inPhase(1, total, "upload job artifacts", () => uploadJobs(ctx), (u) => `${u.summary.uploaded} uploaded, ${u.summary.skipped} unchanged`);
  // Ctrl-C during the upload: the uploads do not stop at once (each PutObject finishes), but nothing may start after it.
  if (ctx.deps.signal.aborted) throw new Interrupted(`interrupted (Ctrl-C) during the upload; no execution was started. The uploaded artifacts stay (content-addressed, harmless); rerun to start ${pipeline.name}`);
  const input = executionInput(date, uploaded);
  const execution = executionName(date, ctx.deps.runId());
  const status = `npm run emr -- pipeline status ${ctx.name} ${pipeline.name} ${execution}`;
  const { executionArn } = await ctx.out.inPhase(2, total, `start ${pipeline.name} for ${date}`, () => startExecution(ctx.clients.sfn, pipeline.stateMachineArn, execution, input));
  ctx.out.line(`  execution ${execution} started`);
  if (!options.wait) {
    ctx.out.line(`  follow it: ${status}`);
    return EXIT.ok;
  }
  const phase = ctx.out.phase(3, total, "wait for the execution");
  let final;
  try {
    final = await waitForExecution(ctx.clients.sfn, executionArn, { ...ctx.poll(options.timeoutMinutes * 60_000), reporter: ctx.out, resumeHint: `Follow it with: ${status}` });
  } catch (err) {
    phase.fail();
    throw err;
  }
  // A SUCCEEDED execution may still have run nothing: its output's status says what happened (ALREADY_RUNNING, GATE_STOPPED).
  const outcome = executionOutcome(final);
  if (outcome.kind === "succeeded") phase.done(final.status ?? "SUCCEEDED");
  else phase.fail();
  const failing = await printExecutionReport(ctx, pipeline.name, final, await executionHistory(ctx.clients.sfn, executionArn, status), { logWaitMs: ctx.deps.timing.logWaitMs });
  if (outcome.kind === "succeeded") return EXIT.ok;
  if (outcome.kind === "ended" && outcome.status === "ALREADY_RUNNING") {
    const others = (await recentExecutions(ctx.clients.sfn, pipeline.stateMachineArn, 10, "RUNNING")).filter((e) => e.executionArn !== executionArn);
    const other = others[0]?.name ? `another execution (${others[0].name}) is running` : "another execution was running when it started";
    throw new CliError(`${other}; nothing ran for ${date}. fix: rerun once it has ended (npm run emr -- pipeline history ${ctx.name} ${pipeline.name})`);
  }
  if (outcome.kind === "ended" && outcome.status === "GATE_STOPPED") {
    throw new CliError(`${pipeline.name} stopped at the gate for ${date}${outcome.reason ? `: ${outcome.reason}` : ""}; nothing after the gate ran. details: ${status}`, EXIT.stopped);
  }
  if (outcome.kind === "ended") throw new CliError(`${pipeline.name} execution ${execution} ended with output status ${JSON.stringify(outcome.status)}, not SUCCEEDED; details: ${status}`);
  throw new CliError(`${pipeline.name} execution ${execution} ${final.status} at state "${failing?.name ?? "unknown"}"${failing?.error ? `: ${failing.error}` : ""}; details: ${status}`);
}

export async function pipelineStatus(ctx: CommandContext, name: string, execution: string | undefined, options: PipelineOptions): Promise<number> {
  const pipeline = await resolvePipeline(ctx, name, options);
  const sfn = ctx.clients.sfn;
  let executionArn: string;
  const listThem = `npm run emr -- pipeline history ${ctx.name} ${pipeline.name}`;
  if (execution !== undefined) {
    // Checked before any call: "", a malformed ARN or another pipeline's execution is one line naming the fix.
    const otherPipeline = (machine: string) => (options.stateMachineArn === undefined ? pipelines(ctx).then((all) => all.find((p) => p.stateMachineArn.split(":").pop() === machine)?.name) : Promise.resolve(undefined));
    executionArn = await checkExecutionArgument(execution, pipeline, { listThem, statusOf: (p, e) => `npm run emr -- pipeline status ${ctx.name} ${p} ${e}`, otherPipeline });
    executionArn = executionArnFor(pipeline.stateMachineArn, executionArn);
  } else {
    const [latest] = await recentExecutions(sfn, pipeline.stateMachineArn, 1);
    if (!latest?.executionArn) {
      ctx.out.line(`${pipeline.name} has not run yet; start it with: npm run emr -- pipeline run ${ctx.name} ${pipeline.name}`);
      return EXIT.ok;
    }
    executionArn = latest.executionArn;
  }
  // Description and history in parallel: status answers within one round trip of the slower call.
  const hint = `list them with: ${listThem}`;
  const [described, events] = await Promise.all([describeExecution(sfn, executionArn, hint), executionHistory(sfn, executionArn, hint)]);
  await printExecutionReport(ctx, pipeline.name, described, events, { logWaitMs: 0 });
  return EXIT.ok;
}

export async function pipelineHistory(ctx: CommandContext, name: string, options: PipelineOptions & { limit: number }): Promise<number> {
  const pipeline = await resolvePipeline(ctx, name, options);
  const executions = await recentExecutions(ctx.clients.sfn, pipeline.stateMachineArn, options.limit);
  if (executions.length === 0) {
    ctx.out.line(`${pipeline.name} has not run yet`);
    return EXIT.ok;
  }
  const now = ctx.deps.now();
  const rows = executions.map((e) => [
    e.name ?? "-",
    e.status ?? "-",
    isoSeconds(e.startDate),
    e.startDate ? formatDuration((e.stopDate?.getTime() ?? now) - e.startDate.getTime()) : "-",
    e.redriveCount ? `redriven ${e.redriveCount}x` : "",
  ]);
  for (const line of table([["execution", "status", "started", "duration", ""], ...rows])) ctx.out.line(line);
  return EXIT.ok;
}

const ENV_ARGUMENT = `environment: ${ENVIRONMENT_NAMES.join(", ")}`;

/**
 * The `pipeline` command and its subcommands. `run` hands each body's exit code to the CLI root; errors propagate
 * there too, which prints them as one line.
 */
export function definePipeline(run: CommandRunner): Command {
  // Output, exit and help settings come from the program (scripts/cli.ts copies them onto each subcommand).
  const pipeline = new Command("pipeline").description("Step Functions pipelines: list, run (uploads the jobs first; alias start), status of an execution, history");

  const sub = (name: string, description: string, withPipeline = true) => {
    const command = pipeline
      .command(name)
      .description(description)
      .argument("<env>", ENV_ARGUMENT)
      .option("--terraform-bin <path>", "terraform or tofu binary, to read the stack's outputs (overrides TERRAFORM_BIN)");
    if (withPipeline) {
      command
        .argument("<name>", "pipeline name, from: npm run emr -- pipeline list <env>")
        .option("--state-machine-arn <arn>", "use this state machine instead of the one the stack's outputs name (refused when not <project>-<env>-… in the environment's region and account)")
        .option("--force", "use a --state-machine-arn that is not the environment's");
    }
    return command;
  };

  sub("list", "pipelines with runtime, schedule, trigger, steps and last run", false).action(run((ctx) => pipelineList(ctx)));

  sub("run", "upload changed job artifacts, start an execution for a logical date with that code; --wait follows it")
    .alias("start")
    .addHelpText(
      "after",
      "\nThe uploaded code goes in this execution's input only: scheduled and data-arrival runs keep the code recorded by\n" +
        "`npm run deploy -- <env>` (or `npm run emr -- upload <env> --for-schedules`).\n" +
        "--wait exit codes: 0 the run succeeded; 1 it failed, or another execution was running and nothing ran for the\n" +
        "date; 2 a gate stopped it (its verdict said stop); 130 Ctrl-C (before the start: no execution was started).",
    )
    .option("--date <YYYY-MM-DD>", "the logical date the pipeline processes (default: today, UTC)", parseLogicalDate)
    .option("--wait", "wait for the execution to end (exit 1 naming the failing state, 2 if a gate stopped it; see below)")
    .option("--timeout <minutes>", "minutes to wait with --wait", positiveNumber, 240)
    .option("--artifacts-bucket <name>", "artifacts bucket (default: the stack's artifacts_bucket output)")
    .option("--logs-bucket <name>", "logs bucket, for the failed step's stderr")
    .option("--jobs-dir <dir>", "the spark-jobs directory to package, relative to the repository root", "spark-jobs")
    .option("--local", "run the synthesized definition on this machine: local Spark, a directory for the buckets (README: Trying a pipeline locally)")
    .option("--days <n>", "with --local: run this many consecutive dates starting at --date", positiveInt)
    .option("--root <dir>", "with --local: the directory standing in for the buckets (default spark-jobs/output/local-pipeline/<env>)")
    .option("--stack-json <file>", "with --local: run the definition in this cdk.tf.json instead of synthesizing the checked-out code")
    .option("--fresh-spark", "with --local: a new Python process (and Spark) per step instead of one shared session")
    .action(run((ctx, name: string, options: PipelineOptions & LocalRunFlags & { date?: string; wait?: boolean; timeout: number }) => pipelineRun(ctx, name, { ...options, timeoutMinutes: options.timeout })));

  sub("status", "an execution's states with results and durations (default: the latest); on failure, the failing step's stderr tail")
    .argument("[execution]", "execution name or ARN, from: npm run emr -- pipeline history <env> <name>")
    .option("--logs-bucket <name>", "logs bucket, for the failed step's stderr")
    .action(run((ctx, name: string, execution: string | undefined, options: PipelineOptions) => pipelineStatus(ctx, name, execution, options)));

  sub("history", "recent executions, newest first")
    .option("--limit <n>", "how many executions", positiveInt, 20)
    .action(run((ctx, name: string, options: PipelineOptions & { limit: number }) => pipelineHistory(ctx, name, options)));

  return pipeline;
}
