/**
 * The jobs' package zip (what `upload` sends as emr_jobs.zip) against its floor, measured in one process, pair by pair:
 *   - zip: `zipPackage(spark-jobs/src/emr_jobs)`: read the files, then yazl through scripts/lib/zip.ts;
 *   - floor: read the same files and deflate each at the same level 9, synchronously, and nothing else. Every
 *     level-9 ZIP writer has to do that much; what is left over (CRC-32, headers, yazl's stream) is the writer's cost.
 * Target: at most 1.25x the floor; and the output must be the same bytes on every run (checked here too).
 *
 *   tsx bench/zip-bench.ts [--runs 30] [--json <file>]
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { deflateRawSync } from "node:zlib";
import { JOBS_PACKAGE, packageEntries, zipPackage } from "../scripts/lib/job-bundle";
import { argValue, median } from "./bench-support";

const PACKAGE_DIR = path.resolve(__dirname, "..", "spark-jobs", "src", JOBS_PACKAGE);
const TARGET_RATIO = 1.25;

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const summary = (ms: number[]) => ({ medianMs: round(median(ms)), minMs: round(Math.min(...ms)), maxMs: round(Math.max(...ms)) });

function floor(): number {
  let bytes = 0;
  for (const entry of packageEntries(PACKAGE_DIR)) bytes += deflateRawSync(entry.data, { level: 9 }).length;
  return bytes;
}

async function main(): Promise<void> {
  const runs = Number(argValue("--runs", "30"));
  const entries = packageEntries(PACKAGE_DIR);
  const first = await zipPackage(PACKAGE_DIR); // warm-up: module loading, file cache
  floor();
  const digest = createHash("sha256").update(first).digest("hex");
  const zipMs: number[] = [];
  const floorMs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    const zip = await zipPackage(PACKAGE_DIR);
    const z = performance.now() - started;
    if (createHash("sha256").update(zip).digest("hex") !== digest) throw new Error(`run ${i + 1} wrote different bytes: the zip is not deterministic`);
    started = performance.now();
    floor();
    const f = performance.now() - started;
    zipMs.push(z);
    floorMs.push(f);
    ratios.push(z / f);
  }
  const result = {
    package: path.relative(path.resolve(__dirname, ".."), PACKAGE_DIR),
    entries: entries.length,
    bytesIn: entries.reduce((n, e) => n + e.data.length, 0),
    bytesOut: first.length,
    sha256: digest,
    runs,
    zip: summary(zipMs),
    floorReadAndDeflate: summary(floorMs),
    ratioVsFloor: { median: round(median(ratios)), min: round(Math.min(...ratios)), max: round(Math.max(...ratios)) },
    target: { ratioVsFloor: TARGET_RATIO },
  };
  console.log(
    `zip: ${result.entries} files, ${result.bytesIn} -> ${result.bytesOut} bytes; ${result.zip.medianMs} ms median, ` +
      `floor ${result.floorReadAndDeflate.medianMs} ms, ratio ${result.ratioVsFloor.median}x (target <= ${TARGET_RATIO}x); same bytes on all ${runs + 1} runs`,
  );
  const json = argValue("--json");
  if (json) writeFileSync(json, JSON.stringify(result, null, 2));
}

main().catch((error) => {
  console.error(`zip bench: ${(error as Error).message}`);
  process.exit(1);
});
