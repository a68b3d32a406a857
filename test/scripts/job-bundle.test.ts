import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { contentKey, packageJobs, packageSampleData, sha256 } from "../../scripts/lib/job-bundle";
import { tempRepo } from "../support/cli-harness";
import { REPO_ROOT } from "../support/moto-server";

function fixture(): string {
  return path.join(tempRepo({ terraformStub: false }).root, "spark-jobs");
}

describe("packageJobs", () => {
  it("packages each entry script, the zipped package and the requirements under content-addressed keys", async () => {
    const root = fixture();
    const bundle = await packageJobs(root, "jobs/");
    expect(Object.keys(bundle.entrypoints)).toEqual(["data_quality", "financial_data_processor", "smoke_test"]);
    const smoke = bundle.entrypoints.smoke_test;
    expect(smoke.sha256).toBe(sha256(Buffer.from("from emr_jobs.jobs.smoke_test import main\nmain()\n")));
    expect(smoke.key).toBe(`jobs/${smoke.sha256.slice(0, 16)}/smoke_test.py`);
    expect(bundle.pyFiles.key).toMatch(/^jobs\/[0-9a-f]{16}\/emr_jobs\.zip$/);
    expect(bundle.requirements.key).toMatch(/^jobs\/[0-9a-f]{16}\/requirements\.txt$/);
    expect(bundle.artifacts.map((a) => a.fileName)).toEqual([
      "data_quality.py",
      "financial_data_processor.py",
      "smoke_test.py",
      "emr_jobs.zip",
      "requirements.txt",
    ]);
  });

  it("zips the package with emr_jobs/ at the root and without caches", async () => {
    const root = fixture();
    const zip = path.join(root, "..", "bundle.zip");
    writeFileSync(zip, (await packageJobs(root, "jobs/")).pyFiles.body);
    const names = execFileSync("python3", ["-c", "import sys,zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", zip], { encoding: "utf8" })
      .trim()
      .split("\n");
    expect(names).toEqual([
      "emr_jobs/__init__.py",
      "emr_jobs/framework/__init__.py",
      "emr_jobs/framework/args.py",
      "emr_jobs/jobs/__init__.py",
      "emr_jobs/jobs/smoke_test.py",
    ]);
  });

  it("gives the same keys for the same sources, and a new key only to what changed", async () => {
    const root = fixture();
    const before = await packageJobs(root, "jobs/");
    expect((await packageJobs(root, "jobs/")).artifacts.map((a) => a.key)).toEqual(before.artifacts.map((a) => a.key));
    writeFileSync(path.join(root, "src", "emr_jobs", "framework", "args.py"), "def parse(argv):\n    return argv\n");
    const after = await packageJobs(root, "jobs/");
    expect(after.pyFiles.key).not.toBe(before.pyFiles.key);
    expect(after.entrypoints.smoke_test.key).toBe(before.entrypoints.smoke_test.key);
    expect(after.requirements.key).toBe(before.requirements.key);
  });

  it("puts the sample data under raw/sample/<hash>/", () => {
    const sample = packageSampleData(fixture(), "raw/");
    expect(sample.ohlcv.key).toMatch(/^raw\/sample\/[0-9a-f]{16}\/ohlcv\.csv$/);
    expect(sample.qualityRules.key).toMatch(/^raw\/sample\/[0-9a-f]{16}\/quality_rules\.json$/);
  });

  it("fails if the package has no __init__.py", async () => {
    const root = fixture();
    rmSync(path.join(root, "src", "emr_jobs", "__init__.py"));
    await expect(packageJobs(root, "jobs/")).rejects.toThrow(/emr_jobs\/__init__.py not found/);
  });

  it("fails if the entry scripts directory is missing", async () => {
    const root = fixture();
    rmSync(path.join(root, "entrypoints"), { recursive: true });
    await expect(packageJobs(root, "jobs/")).rejects.toThrow(/entry scripts directory not found/);
  });

  it("keys a prefix without a trailing slash the same way", () => {
    expect(contentKey("jobs", "a.py", "0123456789abcdef0123")).toBe("jobs/0123456789abcdef/a.py");
  });

  const realJobs = path.join(REPO_ROOT, "spark-jobs");
  it("packages the real spark-jobs/ tree with the three contract entry scripts", async () => {
    const bundle = await packageJobs(realJobs, "jobs/");
    expect(Object.keys(bundle.entrypoints)).toEqual(expect.arrayContaining(["smoke_test", "financial_data_processor", "data_quality"]));
    expect(bundle.pyFiles.body.subarray(0, 4).toString("hex")).toBe("504b0304");
  });
});
