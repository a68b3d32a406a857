/**
 * `npm run scan [-- --outdir <dir>] [--skip-file <file>] [--checkov <bin>]`: checkov over every environment's
 * synthesized Terraform JSON, failures judged against the one skip file, plus the policy guard over the same JSON
 * (it checks the JSON-string fields checkov cannot read). Without --outdir it synthesizes every environment afresh into
 * a temporary directory (~3 s), so the scan never judges a stale or half-written cdktf.out.
 * Exit codes: 0 clean; 1 a failed check, a stale skip, a guard violation or synth failed; 2 bad arguments or skip file.
 * Same shape as the operator CLI: `run(argv, deps)` returns the exit code and never exits the process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { ENVIRONMENT_NAMES } from "../../environments";
import { stackId } from "../../contracts/stack-outputs";
import { CliError } from "../lib/errors";
import type { TextSink } from "../lib/output";
import { ExecaRunner, type ProcessRunner } from "../lib/process-runner";
import { synthCommand } from "../lib/terraform";
import { readStackFile } from "../../policy/stack-file";
import { DEFAULT_CHECKOV_BIN, runCheckov } from "./checkov";
import { formatVerdict } from "./format";
import { judgeScan, type ScannedStack } from "./judge";
import { DEFAULT_SKIP_FILE, loadSkips, SkipFileError } from "./skips";

const REPO_ROOT = resolve(__dirname, "../..");

export interface ScanDeps {
  stdout: TextSink;
  stderr: TextSink;
  runner: ProcessRunner;
  /** What relative --outdir/--skip-file/--checkov paths are resolved against. */
  cwd: string;
}

interface Options {
  outdir?: string;
  /** Relative to the current directory; the defaults are relative to the repository. */
  skipFile?: string;
  checkov?: string;
}

/** Synth (as deploy runs it) with cdktf's output redirected; a failed synth (config error, guard violation) is the scan's error. */
async function synthesizeInto(outdir: string, runner: ProcessRunner): Promise<void> {
  const synth = synthCommand(REPO_ROOT);
  const result = await runner.run(synth.file, synth.args, { cwd: synth.cwd, env: { CDKTF_OUTDIR: outdir } });
  if (result.exitCode !== 0) {
    const output = `${result.stderr}\n${result.stdout}`.trim();
    throw new CliError(`synth failed (exit ${result.exitCode}):\n${output}`);
  }
}

function readStacks(outdir: string): ScannedStack[] {
  return ENVIRONMENT_NAMES.map((name) => {
    const file = readStackFile(outdir, name);
    if (file.status !== "ok") throw new CliError(file.message);
    return { id: stackId(name), file: resolve(file.path), json: file.json };
  });
}

async function scan(options: Options, deps: ScanDeps): Promise<number> {
  const skipFile = options.skipFile ? resolve(deps.cwd, options.skipFile) : join(REPO_ROOT, DEFAULT_SKIP_FILE);
  const checkov = options.checkov ? (options.checkov.includes("/") ? resolve(deps.cwd, options.checkov) : options.checkov) : DEFAULT_CHECKOV_BIN;
  const skips = loadSkips(skipFile);
  const { runner } = deps;
  const tempDir = options.outdir ? undefined : mkdtempSync(join(tmpdir(), "emr-scan-"));
  try {
    const outdir = options.outdir ? resolve(deps.cwd, options.outdir) : (tempDir as string);
    if (tempDir) await synthesizeInto(tempDir, runner);
    const stacks = readStacks(outdir);
    const report = await runCheckov(
      stacks.map((s) => s.file),
      { runner, binary: checkov, cwd: REPO_ROOT },
    );
    const verdict = judgeScan(report, stacks, skips);
    for (const line of formatVerdict(verdict, relative(deps.cwd, skipFile) || skipFile)) deps.stdout.write(`${line}\n`);
    return verdict.ok ? 0 : 1;
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

export async function run(argv: readonly string[], deps: ScanDeps): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("scan")
    .description("checkov over every environment's synthesized Terraform JSON, plus the policy guard")
    .option("--outdir <dir>", "scan this cdktf output directory instead of synthesizing afresh")
    .option("--skip-file <file>", `the checked-in skip file (default: ${DEFAULT_SKIP_FILE})`)
    .option("--checkov <bin>", `checkov executable (default: ${DEFAULT_CHECKOV_BIN})`)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s) })
    .action(async (options: Options) => {
      exitCode = await scan(options, deps);
    });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const usage = error instanceof SkipFileError;
    deps.stderr.write(`scan: ${error instanceof CliError || usage ? error.message : `unexpected error: ${(error as Error).message}`}\n`);
    return usage ? 2 : 1;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, runner: new ExecaRunner(), cwd: process.cwd() }).then((code) => (process.exitCode = code));
}
