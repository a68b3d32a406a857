// The progress record is a contract between two languages: financial_stream (Python) writes it, `stream status`
// (TypeScript) reads it. spark-jobs/tests/fixtures/progress_record.json is a record the job wrote in a local run;
// the job's test (test_progress_records_keep_the_shape_the_cli_parses) fails when its records stop matching it, and
// this one fails when the CLI's parser stops reading it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describeProgress, parseProgressRecord, progressBatchId } from "../../scripts/lib/stream-progress";

const FIXTURE = path.join(__dirname, "..", "..", "spark-jobs", "tests", "fixtures", "progress_record.json");
const URI = "s3://data/streaming/financial/progress/latest.json";
const written = readFileSync(FIXTURE, "utf8");

describe("a progress record the job wrote", () => {
  it("parses whole, every field kept", () => {
    expect(parseProgressRecord(URI, written)).toEqual(JSON.parse(written));
  });

  it("reads as one line of batch, rows, rate, bars, rejects, watermark and latency", () => {
    const record = parseProgressRecord(URI, written);
    expect(describeProgress(record)).toBe(
      [
        `batch ${record.batch_id}`,
        `${record.input_rows.toLocaleString("en-US")} rows`,
        `${record.rows_per_second!.toFixed(1)} rows/s`,
        `${record.bars} bars`,
        "rejected 0",
        `watermark ${record.watermark}`,
        `latency p50 ${Math.round(record.latency_ms!.p50!).toLocaleString("en-US")} ms, p95 ${Math.round(record.latency_ms!.p95!).toLocaleString("en-US")} ms`,
      ].join(" · "),
    );
  });

  it("names rejects by reason and the alerts sent, and says when no bar closed", () => {
    const record = parseProgressRecord(URI, JSON.stringify({ ...JSON.parse(written), rejected_by_reason: { unparsable_price: 1, late: 1200 }, alerts_sent: 2, latency_ms: { p50: null, p95: null }, rows_per_second: null }));
    expect(describeProgress(record)).toMatch(/ · - rows\/s · \d+ bars · rejected 1,201 \(late 1,200, unparsable_price 1\) · 2 alerts sent · watermark .* · no bar closed$/);
  });

  it("refuses a record without a field the job writes, naming it", () => {
    const { bars: _bars, ...withoutBars } = JSON.parse(written);
    expect(() => parseProgressRecord(URI, JSON.stringify(withoutBars))).toThrow(`${URI} is not a progress record: bars: `);
    expect(() => parseProgressRecord(URI, "{")).toThrow(`${URI} is not JSON; fix: `);
  });
});

describe("progress keys", () => {
  it("take the batch id from batch=<id>.json only (latest.json is read by name, not by id)", () => {
    expect(progressBatchId("streaming/financial/progress/batch=10.json")).toBe(10);
    expect(progressBatchId("streaming/financial/progress/latest.json")).toBeUndefined();
  });
});
