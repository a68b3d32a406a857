/**
 * The checkov boundary: argv, report parsing, and the real checkov (from .venv-tools) on small Terraform JSON files,
 * including how it fails. Needs `bash scripts/setup-python.sh` to have run (npm test does that first).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ExecaRunner } from "../../scripts/lib/process-runner";
import { checkovArgs, logicalIdOf, parseCheckovReport, runCheckov } from "../../scripts/security-scan/checkov";

const REPO_ROOT = path.resolve(__dirname, "../..");
const runner = new ExecaRunner();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "emr-checkov-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, json: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof json === "string" ? json : JSON.stringify(json));
  return file;
}

describe("checkovArgs", () => {
  it("scans Terraform JSON files only, offline, with a JSON report", () => {
    expect(checkovArgs(["a/cdk.tf.json", "b/cdk.tf.json"])).toEqual([
      "--framework", "terraform_json", "--file", "a/cdk.tf.json", "--file", "b/cdk.tf.json", "--skip-download", "--output", "json",
    ]);
  });

  it("limits the run to named checks", () => {
    expect(checkovArgs(["x.json"], ["CKV_AWS_1", "CKV_AWS_2"])).toEqual(expect.arrayContaining(["--check", "CKV_AWS_1,CKV_AWS_2"]));
  });
});

describe("parseCheckovReport", () => {
  const check = (id: string, resource: string) => ({ check_id: id, check_name: `title of ${id}`, file_abs_path: "/s/cdk.tf.json", resource });

  it("reads every result of one runner report", () => {
    const report = parseCheckovReport(
      JSON.stringify({
        check_type: "terraform_json",
        results: { passed_checks: [check("CKV_AWS_1", "data.doc_1")], failed_checks: [check("CKV_AWS_144", "aws_s3_bucket.b_2")], skipped_checks: [], parsing_errors: [] },
        summary: { checkov_version: "3.3.30" },
      }),
    );
    expect(report).toEqual({
      version: "3.3.30",
      parsingErrors: [],
      checks: [
        { check: "CKV_AWS_1", title: "title of CKV_AWS_1", result: "passed", file: "/s/cdk.tf.json", resource: "data.doc_1" },
        { check: "CKV_AWS_144", title: "title of CKV_AWS_144", result: "failed", file: "/s/cdk.tf.json", resource: "aws_s3_bucket.b_2" },
      ],
    });
  });

  it("reads a list of runner reports and a summary-only report", () => {
    const runnerReport = { results: { failed_checks: [check("CKV2_AWS_62", "aws_s3_bucket.b")] }, summary: { checkov_version: "3.3.30" } };
    expect(parseCheckovReport(JSON.stringify([runnerReport, runnerReport])).checks).toHaveLength(2);
    expect(parseCheckovReport(JSON.stringify({ passed: 0, failed: 0, checkov_version: "3.3.30" }))).toEqual({ version: "3.3.30", checks: [], parsingErrors: [] });
  });

  it("fails if checkov printed no JSON", () => {
    expect(() => parseCheckovReport("Traceback (most recent call last):")).toThrow(/checkov printed no JSON report/);
  });
});

describe("logicalIdOf", () => {
  it.each([
    ["aws_s3_bucket.storage_data_bucket_77B590E3", "storage_data_bucket_77B590E3"],
    ["data.storage_key_policy_document_7D2B15C7", "storage_key_policy_document_7D2B15C7"],
    ["resource.iam_instance-policy_27A8E11A", "iam_instance-policy_27A8E11A"],
  ])("%s -> %s", (label, id) => expect(logicalIdOf(label)).toBe(id));
});

describe("runCheckov (the real checkov)", () => {
  it("reports failed and passed checks with the scanned file and the resource", async () => {
    const file = writeJson("bucket.tf.json", { resource: { aws_s3_bucket: { open_1: { bucket: "open" } } } });
    const report = await runCheckov([file], { runner, cwd: REPO_ROOT, checks: ["CKV_AWS_144", "CKV_AWS_93"] });
    expect(report.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(report.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: "CKV_AWS_144", result: "failed", file, resource: "aws_s3_bucket.open_1" }),
        expect.objectContaining({ check: "CKV_AWS_93", result: "passed", file, resource: "resource.open_1" }),
      ]),
    );
    expect(report.checks).toHaveLength(2);
  });

  it("fails if a file cannot be parsed, naming it", async () => {
    const broken = writeJson("broken.tf.json", '{ "resource": ');
    await expect(runCheckov([broken], { runner, cwd: REPO_ROOT })).rejects.toThrow(/checkov could not parse .*broken\.tf\.json/);
  });

  it("fails if checkov is not installed, saying how to install it", async () => {
    await expect(runCheckov([], { runner, cwd: REPO_ROOT, binary: ".venv-missing/bin/checkov" })).rejects.toThrow(
      /checkov not found at \.venv-missing\/bin\/checkov; fix: bash scripts\/setup-python\.sh/,
    );
  });

  it("fails if checkov crashes, with its last error line", async () => {
    const crashing = path.join(dir, "crashing-checkov");
    writeFileSync(crashing, "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho 'KeyError: boom' >&2\nexit 2\n");
    chmodSync(crashing, 0o755);
    await expect(runCheckov([], { runner, binary: crashing })).rejects.toThrow(/^checkov failed \(exit 2\): KeyError: boom$/);
  });
});
