/**
 * The building blocks command files declare themselves with: argument parsers, the environment command shape every
 * command shares, and the `CommandRunner` the CLI root hands each `define<Name>()` to run its body.
 */
import { Command, InvalidArgumentError } from "commander";
import { ENVIRONMENT_NAMES } from "../../environments";
import type { CommandContext } from "./context";

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive whole number");
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number");
  return n;
}

/**
 * Turns a command body into a commander action: builds the CommandContext for the validated environment and records
 * the body's exit code. The CLI root (scripts/cli.ts) makes it; commands only pass their body through it.
 */
export type CommandRunner = <A extends unknown[]>(body: (ctx: CommandContext, ...args: A) => Promise<number>) => (env: string, ...rest: A) => Promise<void>;

/** A command on one environment (`<env>`), with the options every environment command accepts. */
export function envCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .argument("<env>", `environment: ${ENVIRONMENT_NAMES.join(", ")}`)
    .option("--cluster-id <id>", "use this cluster instead of the one in the stack's outputs")
    .option("--terraform-bin <path>", "terraform or tofu binary (overrides TERRAFORM_BIN)");
}

/** The bucket overrides of commands that read or write the stack's buckets. */
export function withBucketOptions(command: Command): Command {
  return command
    .option("--artifacts-bucket <name>", "artifacts bucket (default: the stack's artifacts_bucket output)")
    .option("--data-bucket <name>", "data bucket (default: the stack's data_bucket output)")
    .option("--jobs-dir <dir>", "the spark-jobs directory to package, relative to the repository root", "spark-jobs");
}
