/**
 * `npm run bench -- --only stream`: financial_stream's sustained ticks per second on local[2] with 1-minute bars and
 * its tick→bar latency p50/p95 (from the job's progress records), beside financial_data_processor's rows per second
 * on the same bars, both measured in one run of spark-jobs/bench/stream_throughput.py (its docstring says why the
 * stream reads a backlog with available-now rather than waiting on a live 10 s trigger).
 *
 *   EMR_BENCH_STREAM_BARS=20000 EMR_BENCH_STREAM_TICKS_PER_BATCH=10000   the defaults (50 symbols)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface StreamBenchRow {
  bars: number;
  symbols: number;
  ticks: number;
  ticks_per_batch: number;
  micro_batches: number;
  stream_sustained_ticks_per_second: number;
  stream_batch_seconds_median: number;
  stream_wall_seconds: number;
  stream_ticks_per_second_whole_run: number;
  latency_ms_p50_median_of_batches: number;
  latency_ms_p95_median_of_batches: number;
  latency_ms_p95_max_of_batches: number;
  batch_job_seconds: number;
  batch_job_rows_per_second: number;
  batch_job_ticks_equivalent_per_second: number;
  results_agree: boolean;
}

export interface StreamBenchResult {
  benchmark: string;
  master: string;
  cpus: number;
  trigger: string;
  results: StreamBenchRow[];
}

/** A positive integer from the environment, or the default; anything else is one error naming the variable. */
function positiveEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}=${raw} is not a positive integer; fix: e.g. ${name}=${fallback}`);
  return value;
}

/** Runs the Python benchmark (its progress on this terminal) and returns its JSON; throws when it fails. */
export function benchStream(root: string, python: string, quick: boolean): StreamBenchResult {
  const bars = positiveEnv("EMR_BENCH_STREAM_BARS", quick ? 10_000 : 20_000);
  const ticksPerBatch = positiveEnv("EMR_BENCH_STREAM_TICKS_PER_BATCH", 10_000);
  const out = join(mkdtempSync(join(tmpdir(), "emr-stream-bench-")), "result.json");
  const argv = ["spark-jobs/bench/stream_throughput.py", "--bars", String(bars), "--ticks-per-batch", String(ticksPerBatch), "--json", out];
  const run = spawnSync(python, argv, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (run.status !== 0) throw new Error(`stream benchmark failed with exit ${run.status ?? run.signal}`);
  return JSON.parse(readFileSync(out, "utf8")) as StreamBenchResult;
}

/** The report's section: one table row per size. */
export function streamMarkdown(result: StreamBenchResult): string[] {
  return [
    `## financial_stream against financial_data_processor (${result.master}, ${result.cpus} cores; ${result.trigger})`,
    ``,
    `| bars (ticks) | micro-batches of | stream ticks/s sustained | batch s (median) | tick→bar p50 / p95 ms | batch job rows/s (ticks equivalent) | agree |`,
    `|---|---|---|---|---|---|---|`,
    ...result.results.map(
      (r) =>
        `| ${r.bars} (${r.ticks}) | ${r.ticks_per_batch} ticks | ${r.stream_sustained_ticks_per_second} | ${r.stream_batch_seconds_median} | ` +
        `${r.latency_ms_p50_median_of_batches} / ${r.latency_ms_p95_median_of_batches} | ${r.batch_job_rows_per_second} (${r.batch_job_ticks_equivalent_per_second}) | ${r.results_agree} |`,
    ),
    ``,
  ];
}
