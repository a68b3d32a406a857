/**
 * The operator CLI's commands and options (commander). `runCli` never exits the process and never throws: it
 * returns the exit code, which keeps it testable in-process and leaves process concerns to scripts/emr.ts.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ENVIRONMENT_NAMES } from "../../environments";
import { TEST_JOBS, testCommand, type TestJob } from "../commands/cluster-test";
import { deployCommand } from "../commands/deploy";
import { destroyCommand } from "../commands/destroy";
import { infoCommand } from "../commands/info";
import { definePipeline } from "../commands/pipeline";
import { planCommand } from "../commands/plan";
import { stepsCommand, logsCommand } from "../commands/steps";
import { submitCommand } from "../commands/submit";
import { uploadCommand } from "../commands/upload";
import { type CliDeps, CommandContext, type CommonOptions } from "./context";
import { describeError, EXIT, exitCodeOf, Interrupted } from "./errors";
import { ACTIONS_ON_FAILURE } from "./steps";

const ENV_ARGUMENT = `environment: ${ENVIRONMENT_NAMES.join(", ")}`;

const FOOTER = `
Exit codes:
  0    success (plan: no changes)
  1    error (one line on stderr; --debug adds the stack trace)
  2    plan: the plan has changes (like terraform plan -detailed-exitcode)
  130  interrupted (Ctrl-C); infrastructure is left as it is, rerunning is safe

Environment variables:
  TERRAFORM_BIN                     terraform or tofu binary (default: terraform, then tofu, on PATH)
  AWS_PROFILE, AWS_ACCESS_KEY_ID …  AWS credentials (the SDK's standard chain)
  AWS_ENDPOINT_URL[_EMR|_S3|_STS]   send AWS calls to another endpoint (e.g. moto's server)
  EMR_LOCAL_ENDPOINT                the local environment's endpoint (default http://localhost:5000)
  CI                                plain progress lines instead of an updating status line`;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive whole number");
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number");
  return n;
}

export function buildProgram(deps: CliDeps, setExitCode: (code: number) => void): Command {
  const program = new Command("emr")
    .description("Operate emr-platform environments: deploy, plan, upload jobs, test, inspect and destroy")
    .option("--debug", "print stack traces for unexpected errors")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", FOOTER)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
    });

  /** Runs a command body with a validated environment; errors become one line and an exit code. */
  const run =
    <A extends unknown[]>(body: (ctx: CommandContext, ...args: A) => Promise<number>) =>
    async (env: string, ...rest: A) => {
      const commandOptions = rest[rest.length - 2] as CommonOptions;
      const ctx = new CommandContext(env, commandOptions, deps);
      setExitCode(await body(ctx, ...rest));
    };

  const envCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .argument("<env>", ENV_ARGUMENT)
      .option("--cluster-id <id>", "use this cluster instead of the one in the stack's outputs")
      .option("--terraform-bin <path>", "terraform or tofu binary (overrides TERRAFORM_BIN)")
      .addHelpText("after", FOOTER);

  const bucketOptions = (command: Command) =>
    command
      .option("--artifacts-bucket <name>", "artifacts bucket (default: the stack's artifacts_bucket output)")
      .option("--data-bucket <name>", "data bucket (default: the stack's data_bucket output)")
      .option("--jobs-dir <dir>", "the spark-jobs directory to package, relative to the repository root", "spark-jobs");

  const testJob = () => new Option("--job <job>", "validation job: smoke (smoke test) or financial (financial processor on the sample data)").choices(TEST_JOBS).default("smoke");

  bucketOptions(
    envCommand("deploy", "prerequisites, synth/init, validate, deploy (saved plan), wait for the cluster, upload jobs, validation test, connection info"),
  )
    .option("--plan-only", "stop after the plan (nothing is applied)")
    .option("--skip-test", "skip the validation test on the cluster")
    .addOption(testJob())
    .option("--timeout <minutes>", "minutes to wait for the cluster", positiveNumber, 45)
    .option("--step-timeout <minutes>", "minutes to wait for the validation step", positiveNumber, 30)
    .action(
      run((ctx, options: { planOnly?: boolean; skipTest?: boolean; job: TestJob; timeout: number; stepTimeout: number }) =>
        deployCommand(ctx, { planOnly: options.planOnly, skipTest: options.skipTest, testJob: options.job, timeoutMinutes: options.timeout, stepTimeoutMinutes: options.stepTimeout }),
      ),
    );

  envCommand("plan", "synth and plan one environment; prints add/change/destroy; exit 0 = no changes, 2 = changes").action(run((ctx) => planCommand(ctx)));

  bucketOptions(envCommand("upload", "package spark-jobs/ and upload changed artifacts under content-addressed keys"))
    .option("--concurrency <n>", "parallel uploads", positiveInt, 4)
    .option("--part-size <MiB>", "multipart part size (and threshold) in MiB, at least 5", positiveInt, 8)
    .action(run((ctx, options: { concurrency: number; partSize: number }) => uploadCommand(ctx, { concurrency: options.concurrency, partSizeMb: options.partSize })));

  bucketOptions(envCommand("test", "run a validation job as an EMR step, wait for it, print stderr's tail if it fails"))
    .addOption(testJob())
    .option("--logs-bucket <name>", "logs bucket, when the cluster has no log URI")
    .option("--timeout <minutes>", "minutes to wait for the step", positiveNumber, 30)
    .action(run((ctx, options: { job: TestJob; timeout: number }) => testCommand(ctx, { job: options.job, timeoutMinutes: options.timeout })));

  bucketOptions(envCommand("submit", "add a spark-submit step for <job> (arguments after --); --wait follows it"))
    .argument("<job>", "job: smoke_test, financial_data_processor, data_quality (or smoke, financial, quality)")
    .argument("[jobArgs...]", "arguments for the job, after --")
    .addOption(new Option("--action-on-failure <action>", "what EMR does when the step fails").choices(ACTIONS_ON_FAILURE).default("CONTINUE"))
    .option("--wait", "wait for the step to finish (exit 1 if it fails)")
    .option("--name <name>", "step name (default: <job> <run id>)")
    .option("--logs-bucket <name>", "logs bucket, when the cluster has no log URI")
    .option("--timeout <minutes>", "minutes to wait with --wait", positiveNumber, 60)
    .action(
      run((ctx, job: string, jobArgs: string[], options: { actionOnFailure: (typeof ACTIONS_ON_FAILURE)[number]; wait?: boolean; name?: string; timeout: number }) =>
        submitCommand(ctx, job, jobArgs, { actionOnFailure: options.actionOnFailure, wait: options.wait, name: options.name, timeoutMinutes: options.timeout }),
      ),
    );

  envCommand("steps", "recent steps with state and duration")
    .option("--limit <n>", "how many steps", positiveInt, 10)
    .action(run((ctx, options: { limit: number }) => stepsCommand(ctx, { limit: options.limit })));

  envCommand("logs", "a step's stdout/stderr from the log bucket")
    .argument("<step-id>", "step id (s-…), from the steps command")
    .addOption(new Option("--stream <stream>", "which log").choices(["stderr", "stdout", "both"]).default("both"))
    .option("--tail <lines>", "only the last lines", positiveInt)
    .option("--logs-bucket <name>", "logs bucket, when the cluster has no log URI")
    .action(run((ctx, stepId: string, options: { stream: "stderr" | "stdout" | "both"; tail?: number }) => logsCommand(ctx, stepId, options)));

  envCommand("info", "cluster, nodes, scaling, storage locations, SSH tunnels to the web UIs, console URL")
    .option("--json", "machine-readable output")
    .action(run((ctx, options: { json?: boolean }) => infoCommand(ctx, options)));

  envCommand("destroy", "destroy the environment (asks for its name); buckets stay unless storage.forceDestroy")
    .option("--yes", "do not ask for confirmation")
    .option("--force", "turn termination protection off through Terraform first, then destroy")
    .action(run((ctx, options: { yes?: boolean; force?: boolean }) => destroyCommand(ctx, options)));

  // --- pipeline (issue 9): the command declares its own options in scripts/commands/pipeline.ts ---
  program.addCommand(definePipeline(deps, setExitCode).addHelpText("after", FOOTER));

  return program;
}

export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(deps, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed help or its usage error.
      return err.code === "commander.helpDisplayed" || err.code === "commander.help" || err.code === "commander.version" ? EXIT.ok : EXIT.error;
    }
    const debug = Boolean(program.opts().debug) || argv.includes("--debug");
    if (deps.signal.aborted && !(err instanceof Interrupted)) {
      // A child (terraform) got the same Ctrl-C and stopped; its failure is the interruption, not a fault.
      deps.stderr.write(`error: interrupted (Ctrl-C): ${describeError(err, debug)}. Nothing was rolled back; rerunning the same command is safe.\n`);
      return EXIT.interrupted;
    }
    deps.stderr.write(`error: ${describeError(err, debug)}\n`);
    return exitCodeOf(err);
  }
}
