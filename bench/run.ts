/**
 * `npm run bench`: runs every benchmark and writes one report, bench/results/report.{md,json}.
 *
 * Each figure is paired with a baseline measured in the same run where one exists (the floor, a bare `node -e 0`
 * start, for synth and the CLI's start-up; a single-process pandas computation for the Spark job), so the ratios hold
 * when the machine's speed drifts, and printed beside its target (issue #21: synth at most 1.0 s, the CLI's `--help`
 * and `info` at most 300 ms).
 * Whole-process wall time and peak RSS come from GNU time (`/usr/bin/time -f "%e %M"`).
 *
 *   npm run bench                      everything
 *   npm run bench -- --only synth,cli  a subset (synth, tests, job, fraud, workloads, cli, stream, zip)
 *   npm run bench -- --quick           the jobs at 100k rows only, fewer repetitions
 *   FRAUD_BENCH_ROWS=100000,300000 npm run bench -- --only fraud   the fraud job's sizes (default 100000,1000000)
 *   EMR_BENCH_WORKLOAD_ROWS="100000 1000000" npm run bench -- --only workloads   dedup and aggregate+compare sizes
 *   npm run bench -- --only stream     financial_stream's sustained ticks/s and latency beside the batch job (bench/stream-bench.ts)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { synthCommand } from "../scripts/lib/terraform";
import { benchStream, streamMarkdown } from "./stream-bench";
import { median } from "./bench-support";

const ROOT = resolve(__dirname, "..");
const RESULTS = join(ROOT, "bench", "results");
const PYTHON = join(ROOT, ".venv", "bin", "python");

interface Sample {
  wallSeconds: number;
  peakRssMb: number;
}
interface Measured {
  command: string;
  runs: number;
  wallMedian: number;
  wallMin: number;
  wallMax: number;
  peakRssMbMax: number;
}

/** One whole-process run under GNU time; throws with the command's stderr tail when it fails. */
function timeOnce(argv: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const r = spawnSync("/usr/bin/time", ["-f", "__TIME__ %e %M", ...argv], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stderr.split("\n").find((l) => l.startsWith("__TIME__"));
  if (r.status !== 0 || !line) {
    throw new Error(`${argv.join(" ")} failed (exit ${r.status}): ${r.stderr.split("\n").slice(-8).join("\n")}`);
  }
  const [, wall, rssKb] = line.split(" ");
  return { wallSeconds: Number(wall), peakRssMb: Number(rssKb) / 1024 };
}

function measure(argv: string[], runs: number, env: NodeJS.ProcessEnv = {}): Measured {
  timeOnce(argv, env); // warm-up: file cache (and the bundle's rebuild when a source changed)
  const samples = Array.from({ length: runs }, () => timeOnce(argv, env));
  const walls = samples.map((s) => s.wallSeconds);
  return {
    command: argv.join(" "),
    runs,
    wallMedian: median(walls),
    wallMin: Math.min(...walls),
    wallMax: Math.max(...walls),
    peakRssMbMax: Math.max(...samples.map((s) => s.peakRssMb)),
  };
}

function benchSynth(runs: number) {
  const outdir = mkdtempSync(join(tmpdir(), "emr-synth-"));
  const baseline = measure(["node", "-e", "0"], runs);
  // The command deploy, the scan and `npm run synth` run (scripts/lib/terraform.ts synthCommand).
  const command = synthCommand(ROOT);
  const synth = measure([command.file, ...command.args], runs, { CDKTF_OUTDIR: outdir });
  const stacks = ["dev", "staging", "prod", "local"].filter((e) => existsSync(join(outdir, "stacks", `emr-${e}`, "cdk.tf.json")));
  return {
    synth,
    baseline,
    stacks,
    ratioVsNode: synth.wallMedian / baseline.wallMedian,
    target: { seconds: 1, megabytes: 300 },
  };
}

/**
 * `npm test` as the README runs it (jest and pytest side by side, then checkov), and the same suites one after
 * another (TEST_SERIAL=1) as the peer. The target is half of the time before issue #21's changes: npm test in CI
 * on main 29d7e6e (jest 702 s + pytest 692 s + checkov, one after the other, the settings before), 1494 s.
 */
const TESTS_BEFORE = { seconds: 1494, source: "CI of main 29d7e6e (2026-12-04), jest then pytest then checkov" };

function benchTests() {
  // One run each, no warm-up run: each takes many minutes, and the suites start their own processes anyway.
  const sideBySide = timeOnce(["bash", "scripts/test-all.sh"]).wallSeconds;
  const serial = timeOnce(["bash", "scripts/test-all.sh"], { TEST_SERIAL: "1" }).wallSeconds;
  return { sideBySide, serial, before: TESTS_BEFORE, target: { seconds: TESTS_BEFORE.seconds / 2 } };
}

function runJson(argv: string[], label: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), `emr-${label}-`));
  const out = join(dir, "result.json");
  const r = spawnSync(argv[0], [...argv.slice(1), "--json", out], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`${label} benchmark failed with exit ${r.status}`);
  return JSON.parse(readFileSync(out, "utf8"));
}

function benchJob(quick: boolean) {
  const rows = quick ? ["100000"] : ["100000", "1000000"];
  return runJson([PYTHON, "spark-jobs/bench/throughput.py", "--rows", ...rows], "job");
}

/** fraud_detection against its pandas reference; sizes from FRAUD_BENCH_ROWS (1M takes long on a shared 2-core box). */
function benchFraud(quick: boolean) {
  const rows = quick ? ["100000"] : (process.env.FRAUD_BENCH_ROWS ?? "100000,1000000").split(",").map((r) => r.trim());
  return runJson([PYTHON, "spark-jobs/bench/fraud_throughput.py", "--rows", ...rows], "fraud");
}

/** dedup and aggregate+compare against their pandas references; EMR_BENCH_WORKLOAD_ROWS="100000 1000000" overrides the sizes. */
function benchWorkloads(quick: boolean) {
  const rows = process.env.EMR_BENCH_WORKLOAD_ROWS?.split(/[ ,]+/).filter(Boolean) ?? (quick ? ["100000"] : ["100000", "1000000"]);
  return runJson([PYTHON, "spark-jobs/bench/workloads_throughput.py", "--rows", ...rows], "workloads");
}

function benchCli() {
  return runJson([join(ROOT, "node_modules", ".bin", "tsx"), "bench/cli-bench.ts"], "cli");
}

interface ZipFigure {
  entries: number;
  bytesIn: number;
  bytesOut: number;
  runs: number;
  zip: { medianMs: number; minMs: number; maxMs: number };
  floorReadAndDeflate: { medianMs: number; minMs: number; maxMs: number };
  ratioVsFloor: { median: number; min: number; max: number };
  target: { ratioVsFloor: number };
}

/** The jobs' package zip against reading and deflating the same files (bench/zip-bench.ts). */
function benchZip(quick: boolean): ZipFigure {
  return runJson([join(ROOT, "node_modules", ".bin", "tsx"), "bench/zip-bench.ts", "--runs", quick ? "10" : "30"], "zip") as ZipFigure;
}

interface Report {
  startedAt: string;
  machine: string;
  errors: string[];
  synth?: ReturnType<typeof benchSynth>;
  tests?: ReturnType<typeof benchTests>;
  job?: unknown;
  fraud?: unknown;
  workloads?: unknown;
  cli?: unknown;
  stream?: ReturnType<typeof benchStream>;
  zip?: ZipFigure;
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

/** What spark-jobs/bench/throughput.py reports per size (the fields the summary line reads). */
interface JobReport {
  results: { rows: number; spark_seconds: number; pandas_seconds: number; pandas_to_spark_speed_ratio: number; results_agree: boolean }[];
}

/** Issue #21's target for financial_data_processor: at most 2x the pandas + TA-Lib reference at 1M rows. */
const JOB_TARGET_RATIO_VS_PANDAS = 2;

/** Each size's Spark / pandas ratio beside the target and its peer's seconds. */
function jobFigures(job: JobReport): string[] {
  const figures = job.results.map(
    (r) =>
      `- \`financial_data_processor\` at ${r.rows} rows on local[2]: **${fmt(r.pandas_to_spark_speed_ratio)}×** pandas + TA-Lib ` +
      `(Spark ${fmt(r.spark_seconds, 1)} s, pandas ${fmt(r.pandas_seconds, 1)} s); target ≤ ${JOB_TARGET_RATIO_VS_PANDAS}× at 1M rows; results agree: ${r.results_agree}`,
  );
  return [...figures, ``];
}

interface StartupFigure {
  command: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
  targetMs?: number;
  ratioToFloor?: number;
  ratioToPeer?: number;
}

/** The CLI's whole-process start-up figures (bench/cli-bench.ts), each beside its target and the floor. */
function cliStartup(cli: unknown): string[] {
  const startup = (cli as { startup?: { floor: StartupFigure; help: StartupFigure; info: StartupFigure; peer?: StartupFigure } }).startup;
  if (!startup) return [];
  const { floor, help, info, peer } = startup;
  const target = (f: StartupFigure) => (f.targetMs ? `≤ ${f.targetMs} ms` : f === floor ? "floor" : "peer of info");
  return [
    `| command | runs | wall median ms (min–max) | target | × floor |`,
    `|---|---|---|---|---|`,
    ...[floor, help, info, ...(peer ? [peer] : [])].map(
      (f) => `| \`${f.command}\` | ${f.runs} | ${fmt(f.medianMs, 0)} (${fmt(f.minMs, 0)}–${fmt(f.maxMs, 0)}) | ${target(f)} | ${f.ratioToFloor ? `${fmt(f.ratioToFloor, 1)}×` : "1×"} |`,
    ),
    ``,
    ...(info.ratioToPeer ? [`\`info\`: **${fmt(info.ratioToPeer, 2)}×** its peer, the same three EMR calls made with the AWS SDK alone.`, ``] : []),
  ];
}

function markdown(report: Report): string {
  const lines = [`# emr-platform benchmarks`, ``, `Run at ${report.startedAt} on ${report.machine}.`, ``];
  if (report.synth) {
    const s = report.synth;
    lines.push(
      `## Synth (all environments: ${s.stacks.join(", ")})`,
      ``,
      `| command | runs | wall median s (min–max) | peak RSS MB |`,
      `|---|---|---|---|`,
      ...[s.baseline, s.synth].map((m: Measured) => `| \`${m.command.replace(ROOT + "/", "")}\` | ${m.runs} | ${fmt(m.wallMedian)} (${fmt(m.wallMin)}–${fmt(m.wallMax)}) | ${fmt(m.peakRssMbMax, 0)} |`),
      ``,
      `Synth: **${fmt(s.synth.wallMedian)} s** median, target ≤ ${fmt(s.target.seconds, 1)} s (and < ${s.target.megabytes} MB); floor \`node -e 0\` ${fmt(s.baseline.wallMedian)} s: **${fmt(s.ratioVsNode, 1)}×** the floor.`,
      ``,
    );
  }
  if (report.tests) {
    const t = report.tests;
    lines.push(
      `## npm test`,
      ``,
      `| run | wall s |`,
      `|---|---|`,
      `| \`npm test\` (jest and pytest side by side, then checkov) | ${fmt(t.sideBySide)} |`,
      `| the same, one after another (\`TEST_SERIAL=1\`) | ${fmt(t.serial)} |`,
      ``,
      `npm test: **${fmt(t.sideBySide)} s**, target ≤ ${fmt(t.target.seconds, 0)} s (half of ${t.before.seconds} s, ${t.before.source}): **${fmt(t.sideBySide / t.before.seconds)}×** the before; ${fmt(t.sideBySide / t.serial)}× the serial run.`,
      ``,
    );
  }
  if (report.job) lines.push(`## Spark job throughput`, ``, ...jobFigures(report.job as JobReport), "```json", JSON.stringify(report.job, null, 2), "```", ``);
  if (report.fraud) lines.push(`## fraud_detection throughput`, ``, "```json", JSON.stringify(report.fraud, null, 2), "```", ``);
  if (report.workloads) lines.push(`## dedup and aggregate+compare throughput`, ``, "```json", JSON.stringify(report.workloads, null, 2), "```", ``);
  if (report.cli) lines.push(`## Operator CLI against moto`, ``, ...cliStartup(report.cli), "```json", JSON.stringify(report.cli, null, 2), "```", ``);
  if (report.stream) lines.push(...streamMarkdown(report.stream));
  if (report.zip) {
    const z = report.zip;
    lines.push(
      `## Jobs package zip (emr_jobs.zip, what upload sends)`,
      ``,
      `| figure | median ms (min–max) |`,
      `|---|---|`,
      `| zip: ${z.entries} files, ${z.bytesIn} → ${z.bytesOut} bytes | ${fmt(z.zip.medianMs, 1)} (${fmt(z.zip.minMs, 1)}–${fmt(z.zip.maxMs, 1)}) |`,
      `| floor: read the same files and deflate each at level 9 | ${fmt(z.floorReadAndDeflate.medianMs, 1)} (${fmt(z.floorReadAndDeflate.minMs, 1)}–${fmt(z.floorReadAndDeflate.maxMs, 1)}) |`,
      ``,
      `Zip / floor, pair by pair over ${z.runs} runs: **${fmt(z.ratioVsFloor.median)}x** (${fmt(z.ratioVsFloor.min)}–${fmt(z.ratioVsFloor.max)}). Target: ≤ ${z.target.ratioVsFloor}x; the same bytes on every run.`,
      ``,
    );
  }
  if (report.errors.length) lines.push(`## Errors`, ``, ...report.errors.map((e) => `- ${e}`), ``);
  return lines.join("\n");
}

function main(): number {
  const args = process.argv.slice(2);
  const onlyIdx = args.indexOf("--only");
  const benchmarks = ["synth", "tests", "job", "fraud", "workloads", "cli", "stream", "zip"];
  const only = onlyIdx >= 0 ? new Set(args[onlyIdx + 1]?.split(",")) : new Set(benchmarks);
  const unknown = [...only].filter((k) => !benchmarks.includes(k));
  if (unknown.length) {
    console.error(`bench: unknown benchmark ${unknown.join(", ")}; choose from ${benchmarks.join(", ")}`);
    return 1;
  }
  const quick = args.includes("--quick");
  const cpus = spawnSync("nproc", { encoding: "utf8" }).stdout.trim();
  const report: Report = { startedAt: new Date().toISOString(), machine: `${cpus} cores, node ${process.version}`, errors: [] };
  const step = <K extends "synth" | "tests" | "job" | "fraud" | "workloads" | "cli" | "stream" | "zip">(name: K, fn: () => Report[K]) => {
    if (!only.has(name)) return;
    console.log(`bench: ${name} ...`);
    try {
      report[name] = fn();
    } catch (error) {
      report.errors.push(`${name}: ${(error as Error).message}`);
      console.error(`bench: ${name} failed: ${(error as Error).message}`);
    }
  };
  step("synth", () => benchSynth(quick ? 3 : 5));
  step("tests", benchTests);
  step("job", () => benchJob(quick));
  step("fraud", () => benchFraud(quick));
  step("workloads", () => benchWorkloads(quick));
  step("cli", benchCli);
  step("stream", () => benchStream(ROOT, PYTHON, quick));
  step("zip", () => benchZip(quick));

  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, "report.json"), JSON.stringify(report, null, 2));
  const md = markdown(report);
  writeFileSync(join(RESULTS, "report.md"), md);
  console.log(`\n${md}\nbench: report written to bench/results/report.md and report.json`);
  return report.errors.length ? 1 : 0;
}

process.exit(main());
