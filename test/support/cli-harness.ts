/**
 * Runs the CLI in-process with captured output, a temp repository (spark-jobs fixture, optional synthesized stack)
 * and injectable runner/clients/prompt. Everything else is the real code path.
 */
import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "../../scripts/cli";
import type { CliDeps } from "../../scripts/lib/context";
import type { TextSink } from "../../scripts/lib/output";
import { RecordingRunner } from "./recording-runner";

export interface CapturedSink extends TextSink {
  text(): string;
}

export function captureSink(isTTY = false): CapturedSink {
  let buffer = "";
  return {
    isTTY,
    write: (s: string) => {
      buffer += s;
      return true;
    },
    text: () => buffer,
  };
}

/** Fast polling for tests: the logic is the same, only the delays shrink. */
// logWaitMs leaves room for one S3 read on a busy machine: a wait now cuts a read still in flight at its deadline.
export const TEST_TIMING = { pollInitialMs: 1, pollMaxMs: 5, logWaitMs: 1_000 };

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export type DepsOverrides = Partial<CliDeps>;

export function testDeps(repoRoot: string, overrides: DepsOverrides = {}): CliDeps & { stdout: CapturedSink; stderr: CapturedSink } {
  return {
    env: process.env,
    stdout: captureSink(),
    stderr: captureSink(),
    runner: new RecordingRunner(),
    repoRoot,
    prompt: undefined,
    signal: new AbortController().signal,
    timing: TEST_TIMING,
    runId: () => "20260101T000000Z-abcd",
    nodeVersion: "v20.20.2",
    now: Date.now,
    ...overrides,
  } as CliDeps & { stdout: CapturedSink; stderr: CapturedSink };
}

export async function runCaptured(argv: string[], repoRoot: string, overrides: DepsOverrides = {}): Promise<CliRun> {
  const deps = testDeps(repoRoot, overrides);
  const code = await runCli(argv, deps);
  return { code, stdout: deps.stdout.text(), stderr: deps.stderr.text() };
}

/** A spark-jobs tree shaped like the real one, small enough to reason about. */
export function writeJobsFixture(root: string): string {
  const jobs = path.join(root, "spark-jobs");
  const files: Record<string, string> = {
    "entrypoints/smoke_test.py": "from emr_jobs.jobs.smoke_test import main\nmain()\n",
    "entrypoints/financial_data_processor.py": "from emr_jobs.jobs.financial_data_processor import main\nmain()\n",
    "entrypoints/data_quality.py": "from emr_jobs.jobs.data_quality import main\nmain()\n",
    "src/emr_jobs/__init__.py": '__version__ = "0.1.0"\n',
    "src/emr_jobs/framework/__init__.py": "",
    "src/emr_jobs/framework/args.py": "def parse(argv):\n    return list(argv)\n",
    "src/emr_jobs/jobs/__init__.py": "",
    "src/emr_jobs/jobs/smoke_test.py": "def main():\n    print('ok')\n",
    "src/emr_jobs/__pycache__/x.cpython-311.pyc": "compiled",
    "requirements.txt": "numpy==1.26.4\n",
    "data/sample/ohlcv.csv": "symbol,date,open,high,low,close,volume\nAAA,2024-01-02,1,2,0.5,1.5,100\n",
    "rules/ohlcv.json": '{"rules": []}\n',
  };
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(jobs, rel)), { recursive: true });
    writeFileSync(path.join(jobs, rel), content);
  }
  return jobs;
}

export interface TempRepoOptions {
  /** Write a spark-jobs fixture. @default true */
  jobs?: boolean;
  /** Environments whose stack is "synthesized and initialised" (cdk.tf.json + .terraform/). */
  stacks?: string[];
  /** An executable stand-in for terraform (the recording runner intercepts calls to it). */
  terraformStub?: boolean;
}

export function tempRepo(options: TempRepoOptions = {}): { root: string; terraformBin: string } {
  const root = mkdtempSync(path.join(tmpdir(), "emr-cli-"));
  if (options.jobs !== false) writeJobsFixture(root);
  for (const env of options.stacks ?? []) writeStack(root, env);
  const terraformBin = path.join(root, "bin", "terraform");
  if (options.terraformStub !== false) {
    mkdirSync(path.dirname(terraformBin), { recursive: true });
    writeFileSync(terraformBin, "#!/bin/sh\nexit 99\n");
    chmodSync(terraformBin, 0o755);
  }
  return { root, terraformBin };
}

/** What a synth + init leaves behind for one environment. */
export function writeStack(root: string, env: string, config: object = { resource: { aws_emr_cluster: { cluster_A4C38409: {} } } }): void {
  const dir = path.join(root, "cdktf.out", "stacks", `emr-${env}`);
  mkdirSync(path.join(dir, ".terraform"), { recursive: true });
  writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(config));
}
