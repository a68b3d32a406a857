/**
 * The operator CLI's root: the list of commands (each declares its own options in scripts/commands/<name>.ts), the
 * global options and the help footer. `runCli` never exits the process and never throws: it returns the exit code,
 * which keeps it testable in-process and leaves process concerns to scripts/emr.ts.
 */
import { Command, CommanderError } from "commander";
import { defineBootstrap } from "./commands/bootstrap";
import { defineTest } from "./commands/cluster-test";
import { defineDeploy } from "./commands/deploy";
import { defineDestroy } from "./commands/destroy";
import { defineImage } from "./commands/image";
import { defineInfo } from "./commands/info";
import { definePipeline } from "./commands/pipeline";
import { definePlan } from "./commands/plan";
import { defineQuery } from "./commands/query";
import { defineRuns } from "./commands/runs";
import { defineLogs, defineSteps } from "./commands/steps";
import { defineStream } from "./commands/stream";
import { defineSubmit } from "./commands/submit";
import { defineTables } from "./commands/tables";
import { defineUpload } from "./commands/upload";
import type { CommandRunner } from "./lib/cli-args";
import type * as Context from "./lib/context";
import type { CliDeps, CommonOptions } from "./lib/context";
import { describeError, EXIT, exitCodeOf, Interrupted } from "./lib/errors";

const FOOTER = `
Exit codes:
  0    success (plan: no changes)
  1    error (one line on stderr; --debug adds the stack trace)
  2    plan: the plan has changes (like terraform plan -detailed-exitcode);
       pipeline run --wait: a gate stopped the run (its verdict said stop)
  130  interrupted (Ctrl-C); infrastructure is left as it is, rerunning is safe

Environment variables:
  TERRAFORM_BIN                     terraform or tofu binary (default: terraform, then tofu, on PATH)
  AWS_PROFILE, AWS_ACCESS_KEY_ID …  AWS credentials (the SDK's standard chain)
  AWS_ENDPOINT_URL[_<SERVICE>]      send AWS calls to another endpoint (e.g. moto's server); SERVICE: EMR, S3, STS,
                                    SFN, EMR_SERVERLESS, ECR, GLUE, ATHENA, KINESIS
  EMR_LOCAL_ENDPOINT                the local environment's endpoint (default http://localhost:5000)
  CI                                plain progress lines instead of an updating status line`;

/** The commands, in the order `--help` lists them. */
const COMMANDS: readonly ((run: CommandRunner) => Command)[] = [
  defineDeploy,
  definePlan,
  defineUpload,
  defineTest,
  defineSubmit,
  defineSteps,
  defineLogs,
  defineRuns,
  defineInfo,
  defineTables,
  defineQuery,
  defineDestroy,
  defineBootstrap,
  definePipeline,
  defineImage,
  defineStream,
];

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
  const run: CommandRunner =
    (body) =>
    async (env, ...rest) => {
      const commandOptions = rest[rest.length - 2] as CommonOptions;
      // Loaded when a command runs, not for `--help`: the context brings the environments' zod schemas and configs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { CommandContext } = require("./lib/context") as typeof Context;
      const ctx = new CommandContext(env, commandOptions, deps);
      setExitCode(await body(ctx, ...rest));
    };

  for (const define of COMMANDS) {
    // addCommand (unlike .command()) copies no settings: give each command the program's output, exit and help ones.
    const command = define(run).copyInheritedSettings(program).addHelpText("after", FOOTER);
    // A command with subcommands (pipeline list|run|status|history): each needs the same settings.
    for (const sub of command.commands) sub.copyInheritedSettings(command);
    program.addCommand(command);
  }
  return program;
}

/** What `emr` or `emr pipeline` without a (sub)command lacks, and the fix, naming the choices. */
function missingCommand(program: Command, argv: readonly string[]): string {
  const parent = program.commands.find((c) => c.name() === argv.find((a) => !a.startsWith("-")));
  if (parent && parent.commands.length > 0) {
    const subs = parent.commands.map((c) => c.name()).filter((n) => n !== "help");
    return `no ${parent.name()} command given; fix: npm run emr -- ${parent.name()} <${subs.join("|")}> <env> (commands above)`;
  }
  return "no command given; fix: npm run emr -- <command> <env> (commands above)";
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
      // Commander already printed help or its usage error; `emr` alone prints the help on stderr with exit code 1.
      if (err.code === "commander.help" && err.exitCode !== 0) deps.stderr.write(`error: ${missingCommand(program, argv)}\n`);
      return err.exitCode === 0 ? EXIT.ok : EXIT.error;
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
