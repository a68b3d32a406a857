/**
 * Running checkov over synthesized Terraform JSON and reading its JSON report. Offline by construction: no platform
 * download, no update check, no API key; the scan reaches nothing beyond this machine.
 */
import { resolve } from "node:path";
import { CliError } from "../lib/errors";
import type { ProcessRunner } from "../lib/process-runner";

export const DEFAULT_CHECKOV_BIN = ".venv-tools/bin/checkov";

/** Checkov's environment switches that keep it offline (guidelines mapping, PyPI update check). */
export const CHECKOV_OFFLINE_ENV: Readonly<Record<string, string>> = {
  BC_SKIP_MAPPING: "TRUE",
  CKV_SKIP_PACKAGE_UPDATE_CHECK: "TRUE",
  LOG_LEVEL: "WARNING",
};

export type CheckResult = "passed" | "failed" | "skipped";

export interface CheckovCheck {
  /** e.g. CKV_AWS_144 */
  readonly check: string;
  /** checkov's title for the check. */
  readonly title: string;
  readonly result: CheckResult;
  /** The scanned file, as passed to checkov. */
  readonly file: string;
  /** checkov's label: `aws_s3_bucket.<id>`, `data.<id>`, `resource.<id>` or `provider.aws`. */
  readonly resource: string;
}

export interface CheckovReport {
  readonly version: string;
  readonly checks: readonly CheckovCheck[];
  readonly parsingErrors: readonly string[];
}

/** argv for one checkov run over `files`: Terraform JSON only, JSON report on stdout, nothing downloaded. */
export function checkovArgs(files: readonly string[], checks: readonly string[] = []): string[] {
  return [
    "--framework",
    "terraform_json",
    ...files.flatMap((file) => ["--file", file]),
    ...(checks.length ? ["--check", checks.join(",")] : []),
    "--skip-download",
    "--output",
    "json",
  ];
}

interface RawCheck {
  check_id?: unknown;
  check_name?: unknown;
  file_abs_path?: unknown;
  file_path?: unknown;
  resource?: unknown;
}

interface RawRunnerReport {
  check_type?: string;
  results?: { passed_checks?: RawCheck[]; failed_checks?: RawCheck[]; skipped_checks?: RawCheck[]; parsing_errors?: string[] };
  summary?: { checkov_version?: string; parsing_errors?: number };
  /** With nothing to scan, checkov prints only a summary object. */
  checkov_version?: string;
}

const RESULT_KEYS = { passed_checks: "passed", failed_checks: "failed", skipped_checks: "skipped" } as const;

/** Parses checkov's `--output json` (one runner object, or a list of them). */
export function parseCheckovReport(stdout: string): CheckovReport {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new CliError(`checkov printed no JSON report (first output: ${JSON.stringify(stdout.trim().slice(0, 120))})`);
  }
  const runners = (Array.isArray(raw) ? raw : [raw]) as RawRunnerReport[];
  const checks: CheckovCheck[] = [];
  const parsingErrors: string[] = [];
  let version = "unknown";
  for (const runner of runners) {
    version = runner.summary?.checkov_version ?? runner.checkov_version ?? version;
    parsingErrors.push(...(runner.results?.parsing_errors ?? []));
    for (const [key, result] of Object.entries(RESULT_KEYS)) {
      for (const c of runner.results?.[key as keyof typeof RESULT_KEYS] ?? []) {
        checks.push({
          check: String(c.check_id),
          title: String(c.check_name ?? ""),
          result,
          file: String(c.file_abs_path ?? c.file_path ?? ""),
          resource: String(c.resource ?? ""),
        });
      }
    }
  }
  return { version, checks, parsingErrors };
}

/** The logical id in a checkov resource label (the part after the last dot); cdktf's logical ids contain no dots. */
export function logicalIdOf(resource: string): string {
  return resource.slice(resource.lastIndexOf(".") + 1);
}

export interface RunCheckovOptions {
  readonly runner: ProcessRunner;
  /** A command on PATH, or a path relative to `cwd`. @default DEFAULT_CHECKOV_BIN */
  readonly binary?: string;
  /** Only these checks (all when empty). */
  readonly checks?: readonly string[];
  /** @default process.cwd() */
  readonly cwd?: string;
}

/**
 * Runs checkov and returns its report. Exit 1 only means "some check failed", which the caller judges against the
 * skip file; any other exit or an unreadable report is an error naming checkov's own last error line.
 */
export async function runCheckov(files: readonly string[], options: RunCheckovOptions): Promise<CheckovReport> {
  const cwd = options.cwd ?? process.cwd();
  const named = options.binary ?? DEFAULT_CHECKOV_BIN;
  const binary = named.includes("/") ? resolve(cwd, named) : named;
  let result;
  try {
    result = await options.runner.run(binary, checkovArgs(files, options.checks), { cwd, env: { ...CHECKOV_OFFLINE_ENV } });
  } catch (error) {
    if (error instanceof CliError && /not found/.test(error.message)) {
      throw new CliError(`checkov not found at ${named}; fix: bash scripts/setup-python.sh (installs it into .venv-tools)`);
    }
    throw error;
  }
  const lastError = result.stderr.split("\n").filter((line) => line.trim()).pop() ?? "";
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new CliError(`checkov failed (exit ${result.exitCode}): ${lastError || "no error output"}`);
  }
  const report = parseCheckovReport(result.stdout);
  if (report.parsingErrors.length) {
    throw new CliError(`checkov could not parse ${report.parsingErrors.join(", ")}; fix: synthesize again (npm run synth)`);
  }
  return report;
}
