/**
 * The building blocks command files declare themselves with: argument parsers, the environment command shape every
 * command shares, and the `CommandRunner` the CLI root hands each `define<Name>()` to run its body.
 */
import { Command, InvalidArgumentError } from "commander";
import { ENVIRONMENT_NAMES } from "../../environments/names";
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

/** A whole number of at least `min` (S3 refuses multipart parts under 5 MiB, so clamping would hide the fault). */
export function intAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    return n;
  };
}

/** EMR cluster ids: `j-` and upper-case letters and digits. Checked before any call, so `""` never means "discover". */
export const CLUSTER_ID = /^j-[A-Z0-9]+$/;

export function clusterIdArg(value: string): string {
  if (!CLUSTER_ID.test(value)) throw new InvalidArgumentError(`"${value}" is not an EMR cluster id (like j-1A2B3C4D5E6F)`);
  return value;
}

/**
 * Turns a command body into a commander action: builds the CommandContext for the validated environment and records
 * the body's exit code. The CLI root (scripts/cli.ts) makes it; commands only pass their body through it.
 */
export type CommandRunner = <A extends unknown[]>(body: (ctx: CommandContext, ...args: A) => Promise<number>) => (env: string, ...rest: A) => Promise<void>;

export const FORCE_CLUSTER_HELP = "act on a --cluster-id cluster whose Environment tag names another environment";

/**
 * A command on one environment (`<env>`), with the options every environment command accepts. `--force` lets
 * `--cluster-id` name another environment's cluster; destroy gives it a wider meaning, so it may describe it itself.
 */
export function envCommand(name: string, description: string, forceHelp = FORCE_CLUSTER_HELP): Command {
  return new Command(name)
    .description(description)
    .argument("<env>", `environment: ${ENVIRONMENT_NAMES.join(", ")}`)
    .option("--cluster-id <id>", "use this cluster instead of the one in the stack's outputs", clusterIdArg)
    .option("--force", forceHelp)
    .option("--terraform-bin <path>", "terraform or tofu binary (overrides TERRAFORM_BIN)");
}

/** The bucket overrides of commands that read or write the stack's buckets. */
export function withBucketOptions(command: Command): Command {
  return command
    .option("--artifacts-bucket <name>", "artifacts bucket (default: the stack's artifacts_bucket output)")
    .option("--data-bucket <name>", "data bucket (default: the stack's data_bucket output)")
    .option("--jobs-dir <dir>", "the spark-jobs directory to package, relative to the repository root", "spark-jobs");
}
