/**
 * Terraform (or OpenTofu) for one synthesized stack: the argv of every call lives here, in one place, so tests can
 * pin it. Runs in `cdktf.out/stacks/emr-<env>` through `-chdir`, never through a shell.
 */
import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";
import { stackId } from "../../contracts/stack-outputs";
import { CliError } from "./errors";
import type { ProcessRunner, RunResult } from "./process-runner";

/** S3 native state locking (`use_lockfile`) arrived in Terraform 1.10 and OpenTofu 1.10. */
export const MINIMUM_TERRAFORM_VERSION = "1.10.0";

export const TERRAFORM_INSTALL_HINT =
  "install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) or OpenTofu >= 1.10 " +
  "(https://opentofu.org/docs/intro/install/), or point --terraform-bin / TERRAFORM_BIN at the binary";

/** Paths of one environment's synthesized stack, relative to the repository root. */
export function stackPaths(repoRoot: string, environment: string) {
  const relativeDir = path.posix.join("cdktf.out", "stacks", stackId(environment));
  const dir = path.join(repoRoot, relativeDir);
  return {
    relativeDir,
    dir,
    config: path.join(dir, "cdk.tf.json"),
    initialized: path.join(dir, ".terraform"),
    /** Relative to the stack directory, where terraform runs. */
    planFile: `${stackId(environment)}.tfplan`,
  };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate) && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The binary to run: `--terraform-bin`, then TERRAFORM_BIN, then `terraform` or `tofu` on PATH. Looks on disk instead
 * of spawning, so the answer is instant and a missing binary is a message, not an ENOENT.
 */
export function resolveTerraformBinary(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  const requested = explicit ?? env.TERRAFORM_BIN;
  if (requested) {
    const source = explicit ? "--terraform-bin" : "TERRAFORM_BIN";
    const found = requested.includes(path.sep) ? (existsSync(requested) && isExecutable(requested) ? requested : undefined) : onPath(requested, env.PATH);
    if (!found) throw new CliError(`${source}=${requested} is not an executable file; fix: ${TERRAFORM_INSTALL_HINT}`);
    return found;
  }
  const found = onPath("terraform", env.PATH) ?? onPath("tofu", env.PATH);
  if (!found) throw new CliError(`neither terraform nor tofu is on PATH; fix: ${TERRAFORM_INSTALL_HINT}`);
  return found;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

export interface TerraformOptions {
  runner: ProcessRunner;
  bin: string;
  repoRoot: string;
  environment: string;
  /** Terraform colours only on a terminal. */
  color: boolean;
}

export class Terraform {
  readonly paths: ReturnType<typeof stackPaths>;

  constructor(private readonly options: TerraformOptions) {
    this.paths = stackPaths(options.repoRoot, options.environment);
  }

  get bin(): string {
    return this.options.bin;
  }

  /** `terraform version -json` → "1.10.5"; rejects versions without S3 lockfile support. */
  async version(): Promise<string> {
    const result = await this.options.runner.run(this.options.bin, ["version", "-json"], { cwd: this.options.repoRoot, env: automationEnv() });
    const version = result.exitCode === 0 ? parseVersion(result.stdout) : undefined;
    if (!version) throw new CliError(`${this.options.bin} version -json failed (exit ${result.exitCode}): ${firstLine(result.stderr)}`);
    if (compareVersions(version, MINIMUM_TERRAFORM_VERSION) < 0) {
      throw new CliError(`${path.basename(this.options.bin)} ${version} is too old (S3 state locking needs >= ${MINIMUM_TERRAFORM_VERSION}); fix: ${TERRAFORM_INSTALL_HINT}`);
    }
    return version;
  }

  init(): Promise<RunResult> {
    return this.checked(["init", "-input=false", ...this.noColor()], "init");
  }

  validate(): Promise<RunResult> {
    return this.checked(["validate", ...this.noColor()], "validate");
  }

  /** Saves the plan; `changes` follows -detailed-exitcode (0 none, 2 some, 1 error). */
  async plan(): Promise<{ changes: boolean; result: RunResult }> {
    const args = ["plan", "-input=false", `-out=${this.paths.planFile}`, "-detailed-exitcode", ...this.noColor()];
    const result = await this.run(args, true);
    if (result.exitCode !== 0 && result.exitCode !== 2) throw this.failure("plan", result);
    return { changes: result.exitCode === 2, result };
  }

  /** The saved plan as JSON (for the change summary). */
  async showPlan(): Promise<string> {
    const result = await this.checked(["show", "-json", this.paths.planFile], "show", false);
    return result.stdout;
  }

  apply(): Promise<RunResult> {
    return this.checked(["apply", "-input=false", ...this.noColor(), this.paths.planFile], "apply");
  }

  /** Applies only `address` (used to lift termination protection before a destroy). */
  applyTarget(address: string): Promise<RunResult> {
    return this.checked(["apply", "-input=false", "-auto-approve", `-target=${address}`, ...this.noColor()], "apply");
  }

  /** Raw `output -json`; callers decide what a failure means (no state yet is normal). */
  output(): Promise<RunResult> {
    return this.run(["output", "-json"], false);
  }

  /** The current state as JSON. */
  async showState(): Promise<string> {
    const result = await this.checked(["show", "-json"], "show", false);
    return result.stdout;
  }

  stateRemove(addresses: readonly string[]): Promise<RunResult> {
    return this.checked(["state", "rm", ...addresses], "state rm");
  }

  destroy(): Promise<RunResult> {
    return this.checked(["destroy", "-input=false", "-auto-approve", ...this.noColor()], "destroy");
  }

  private noColor(): string[] {
    return this.options.color ? [] : ["-no-color"];
  }

  private run(args: readonly string[], stream: boolean): Promise<RunResult> {
    return this.options.runner.run(this.options.bin, [`-chdir=${this.paths.relativeDir}`, ...args], {
      cwd: this.options.repoRoot,
      env: automationEnv(),
      stream,
    });
  }

  private async checked(args: readonly string[], what: string, stream = true): Promise<RunResult> {
    const result = await this.run(args, stream);
    if (result.exitCode !== 0) throw this.failure(what, result);
    return result;
  }

  private failure(what: string, result: RunResult): CliError {
    const detail = lastErrorLine(result.stderr) ?? lastErrorLine(result.stdout);
    return new CliError(`terraform ${what} failed in ${this.paths.relativeDir} (exit ${result.exitCode})${detail ? `: ${detail}` : ""}`);
  }
}

function automationEnv(): Record<string, string> {
  // TF_IN_AUTOMATION trims "what to run next" advice meant for humans typing terraform themselves.
  return { TF_IN_AUTOMATION: "1" };
}

export function parseVersion(json: string): string | undefined {
  try {
    const parsed = JSON.parse(json) as { terraform_version?: unknown };
    return typeof parsed.terraform_version === "string" ? parsed.terraform_version : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim())?.trim() ?? "";
}

/** Terraform's own error summary ("Error: ..."), which is what the operator needs to see again at the end. */
function lastErrorLine(text: string): string | undefined {
  const lines = text.split("\n").map((l) => l.replace(/\x1b\[[0-9;]*m/g, "").replace(/^[│╷╵\s]+/, "").trim());
  const error = lines.filter((l) => l.startsWith("Error:")).pop();
  return error ?? undefined;
}

/** The cdktf synth command: main.ts's compiled bundle (scripts/bin/synth.cjs), from the repository root (what `npm run synth` and cdktf.json run). */
export function synthCommand(repoRoot: string): { file: string; args: string[]; cwd: string } {
  return { file: process.execPath, args: ["scripts/bin/synth.cjs"], cwd: repoRoot };
}
