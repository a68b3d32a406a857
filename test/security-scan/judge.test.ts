/**
 * Judging a checkov report against the skip file, on real synthesized stacks (dev and prod) and reports shaped like
 * checkov's (the parsing of real checkov output is covered in checkov.test.ts).
 */
import type { CheckovCheck, CheckovReport } from "../../scripts/security-scan/checkov";
import { formatVerdict } from "../../scripts/security-scan/format";
import { judgeScan, type ScannedStack } from "../../scripts/security-scan/judge";
import { parseSkips, type CheckovSkip } from "../../scripts/security-scan/skips";
import { synthesizeEnvironment } from "./synthesized";

const dev = synthesizeEnvironment("dev");
const prod = synthesizeEnvironment("prod");
const stacks: ScannedStack[] = [dev, prod];

/** The logical id cdktf gave the construct at `path` (within the stack), e.g. "storage/key/policy/document". */
function logicalId(stack: ScannedStack, path: string): string {
  for (const blocks of [stack.json.resource, stack.json.data]) {
    for (const byName of Object.values(blocks ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const meta = (body as { "//"?: { metadata?: { path?: string } } })["//"]?.metadata;
        if (meta?.path === `${stack.id}/${path}`) return name;
      }
    }
  }
  throw new Error(`no construct at ${stack.id}/${path}`);
}

const failed = (check: string, stack: ScannedStack, label: (id: string) => string, path: string): CheckovCheck => ({
  check,
  title: `title of ${check}`,
  result: "failed",
  file: stack.file,
  resource: label(logicalId(stack, path)),
});
const passed = (check: string, stack: ScannedStack): CheckovCheck => ({ check, title: "", result: "passed", file: stack.file, resource: "provider.aws" });
const report = (...checks: CheckovCheck[]): CheckovReport => ({ version: "3.3.30", checks, parsingErrors: [] });

const skip = (check: string, paths: string[]): CheckovSkip =>
  parseSkips(JSON.stringify({ skips: [{ check, paths, reason: "a reason that is true for this codebase" }] }))[0];

const keyPolicy = (stack: ScannedStack) => failed("CKV_AWS_356", stack, (id) => `data.${id}`, "storage/key/policy/document");
const instancePolicy = (stack: ScannedStack) => failed("CKV_AWS_356", stack, (id) => `data.${id}`, "iam/instance-policy-document/document");
const dataBucket = (stack: ScannedStack) => failed("CKV_AWS_144", stack, (id) => `aws_s3_bucket.${id}`, "storage/data/bucket");

describe("judgeScan", () => {
  it("passes a clean report: counts passes, no failures, the guard clean", () => {
    const verdict = judgeScan(report(passed("CKV_AWS_41", dev), passed("CKV_AWS_41", prod)), stacks, []);
    expect(verdict).toMatchObject({ passed: 2, failed: [], skipped: [], staleSkips: [], ok: true, stacks: ["emr-dev", "emr-prod"] });
    expect(verdict.guard.violations).toEqual([]);
    expect(verdict.guard.rules).toBeGreaterThan(0);
  });

  it("skips a failure whose check and construct path a skip names, in every environment", () => {
    const keySkip = skip("CKV_AWS_356", ["emr-*/storage/key/policy/document"]);
    const verdict = judgeScan(report(keyPolicy(dev), keyPolicy(prod)), stacks, [keySkip]);
    expect(verdict.failed).toEqual([]);
    expect(verdict.skipped).toEqual([{ skip: keySkip, findings: [expect.objectContaining({ stack: "emr-dev" }), expect.objectContaining({ stack: "emr-prod" })] }]);
    expect(verdict.ok).toBe(true);
  });

  it("fails if the same check fails on a resource the skip does not name", () => {
    const verdict = judgeScan(report(keyPolicy(dev), instancePolicy(dev)), stacks, [skip("CKV_AWS_356", ["emr-*/storage/key/policy/document"])]);
    expect(verdict.failed).toEqual([
      {
        check: "CKV_AWS_356",
        title: "title of CKV_AWS_356",
        stack: "emr-dev",
        address: `data.aws_iam_policy_document.${logicalId(dev, "iam/instance-policy-document/document")}`,
        path: "emr-dev/iam/instance-policy-document/document",
      },
    ]);
    expect(verdict.ok).toBe(false);
  });

  it("fails if a skip matches no failed check (stale)", () => {
    const stale = skip("CKV2_AWS_62", ["emr-*/storage/*/bucket"]);
    const verdict = judgeScan(report(passed("CKV_AWS_41", dev)), stacks, [stale]);
    expect(verdict.staleSkips).toEqual([stale]);
    expect(verdict.ok).toBe(false);
  });

  it("fails if the policy guard finds a violation checkov passed", () => {
    const json = structuredClone(dev.json) as ScannedStack["json"] & { resource: Record<string, Record<string, Record<string, unknown>>> };
    const [, config] = Object.entries(json.resource.aws_emr_security_configuration)[0];
    config.configuration = JSON.stringify({ EncryptionConfiguration: { EnableAtRestEncryption: false, EnableInTransitEncryption: false } });
    const verdict = judgeScan(report(passed("CKV_AWS_171", dev)), [{ ...dev, json }], []);
    expect(verdict.guard.violations.map((v) => v.rule)).toEqual(["emr-security-configuration-encryption"]);
    expect(verdict.gaps[0]).toMatchObject({ resources: 1, guardViolations: 1 });
    expect(verdict.ok).toBe(false);
  });

  it("counts a JSON-string check as evaluated only when checkov reported it on that resource", () => {
    const scId = logicalId(dev, "encryption/config");
    const onSecurityConfiguration: CheckovCheck = { check: "CKV_AWS_349", title: "", result: "passed", file: dev.file, resource: `resource.${scId}` };
    const verdict = judgeScan(report(onSecurityConfiguration), [dev], []);
    expect(verdict.gaps).toEqual([expect.objectContaining({ resources: 1, unevaluated: ["CKV_AWS_350", "CKV_AWS_351"], guardViolations: 0 })]);
  });
});

describe("formatVerdict", () => {
  it("folds one finding across environments into one line and ends with the verdict", () => {
    const lines = formatVerdict(judgeScan(report(dataBucket(prod), dataBucket(dev), passed("CKV_AWS_41", dev)), stacks, []), "checkov/skips.json");
    expect(lines[0]).toBe("security scan: checkov 3.3.30 (terraform_json) over emr-dev, emr-prod");
    expect(lines.filter((l) => l.includes("FAILED  "))).toEqual([
      `  FAILED  CKV_AWS_144 storage/data/bucket (aws_s3_bucket.${logicalId(dev, "storage/data/bucket")}) in emr-dev, emr-prod: title of CKV_AWS_144`,
    ]);
    expect(lines.at(-1)).toBe("security scan: 1 passed, 2 failed, 0 skipped (0 entries of checkov/skips.json): FAILED");
  });

  it("lists skips with their first sentence, stale skips and the JSON-string gap", () => {
    const used = parseSkips(
      JSON.stringify({ skips: [{ check: "CKV_AWS_144", paths: ["emr-*/storage/data/bucket"], reason: "Replication is disaster recovery. Long detail." }] }),
    )[0];
    const stale = skip("CKV2_AWS_62", ["emr-*/storage/*/bucket"]);
    const lines = formatVerdict(judgeScan(report(dataBucket(dev)), [dev], [used, stale]), "checkov/skips.json");
    expect(lines).toContain("  skipped CKV_AWS_144 on 1 resource (emr-*/storage/data/bucket): Replication is disaster recovery");
    expect(lines).toContain("  STALE   CKV2_AWS_62 in checkov/skips.json matches no failed check (paths emr-*/storage/*/bucket); fix: remove the entry");
    expect(lines).toContain(
      "  checkov cannot evaluate CKV_AWS_349, CKV_AWS_350, CKV_AWS_351 on 1 aws_emr_security_configuration (configuration is a JSON string); " +
        "policy guard rule emr-security-configuration-encryption parses it: 0 violations",
    );
    expect(lines.at(-1)).toBe("security scan: 0 passed, 0 failed, 1 skipped (1 entry of checkov/skips.json): FAILED");
  });

  it("ends with OK when nothing failed", () => {
    expect(formatVerdict(judgeScan(report(passed("CKV_AWS_41", dev)), [dev], []), "checkov/skips.json").at(-1)).toBe(
      "security scan: 1 passed, 0 failed, 0 skipped (0 entries of checkov/skips.json): OK",
    );
  });
});
