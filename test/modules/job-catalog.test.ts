import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkJobArguments, findJob, jobArgv, jobNames, loadJobCatalog, type CatalogJob } from "../../contracts/job-catalog";

function job(name: string): CatalogJob {
  const found = findJob(name);
  if (typeof found === "string") throw new Error(found);
  return found;
}

describe("job catalogue", () => {
  it("lists the jobs the Python package declares, with their aliases", () => {
    const names = jobNames();
    expect(names).toEqual(expect.arrayContaining(["smoke_test", "financial_data_processor", "data_quality", "financial"]));
    expect(loadJobCatalog().jobs.length).toBeGreaterThanOrEqual(3);
  });

  it("finds a job by alias and names every job when the name is unknown", () => {
    expect(job("financial").name).toBe("financial_data_processor");
    expect(findJob("finacial")).toMatch(/unknown job "finacial"; fix: one of smoke_test, financial_data_processor/);
  });

  it("accepts valid arguments and placeholders", () => {
    expect(
      checkJobArguments(job("financial"), {
        input: "s3://{data_bucket}/raw/",
        output: "s3://b/processed/",
        date: "{date}",
        "input-format": "parquet",
        "sma-windows": "10,20",
      }),
    ).toEqual([]);
  });

  it("fails on an unknown option, a bad value and a missing required option, naming each", () => {
    const problems = checkJobArguments(job("financial"), { outptu: "x", "rsi-period": "0", date: "2026-13-45x" });
    expect(problems).toEqual([
      expect.stringMatching(/financial_data_processor has no option --outptu; fix: one of --input/),
      expect.stringMatching(/--rsi-period "0": expected a positive integer/),
      expect.stringMatching(/--date "2026-13-45x": expected a date as YYYY-MM-DD/),
      expect.stringMatching(/needs --input; fix: add it/),
      expect.stringMatching(/needs --output; fix: add it/),
    ]);
    expect(checkJobArguments(job("quality"), { input: "i", rules: "r", report: "p", "failure-threshold": "1.5" })).toEqual([
      expect.stringMatching(/--failure-threshold "1.5": expected a fraction between 0 and 1/),
    ]);
    expect(checkJobArguments(job("financial"), { input: "i", output: "o", "input-format": "xml" })).toEqual([
      expect.stringMatching(/expected one of csv, json/),
    ]);
  });

  it("renders argv in the record's order", () => {
    expect(jobArgv(job("smoke"), { output: "s3://b/smoke/", rows: "10" })).toEqual(["--output", "s3://b/smoke/", "--rows", "10"]);
  });

  it("reads another catalogue file when given one", () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-"));
    const file = join(dir, "catalog.json");
    writeFileSync(file, JSON.stringify({ jobs: [{ name: "x", aliases: [], entrypoint: "e.py", summary: "", exit2: null, options: [] }] }));
    expect(jobNames(loadJobCatalog(file))).toEqual(["x"]);
  });
});
