/**
 * What checkov can and cannot see in cdktf's Terraform JSON, proven on the real dev stack with deliberately weakened
 * copies of its security configuration and IAM policies, and that the scan (checkov + the policy guard) still fails.
 *  - aws_emr_security_configuration.configuration is a JSON string: checkov's CKV_AWS_349/350/351 only read it when
 *    HCL parsing turned it into an object, so on Terraform JSON they return UNKNOWN and drop out of the report;
 *    CKV_AWS_171 is a substring search for "SSE-KMS" and passes a configuration with in-transit and EBS encryption off.
 *  - IAM policies: a literal policy JSON string IS parsed (CKV_AWS_62/63 fail on `"Action": "*"`); a policy that
 *    references a data.aws_iam_policy_document (how every policy here is built) passes those resource checks
 *    vacuously, and checkov judges the document itself instead (CKV_AWS_49 etc.).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runPolicyGuard, PLATFORM_EXEMPTIONS, type StackJson } from "../../policy";
import { ExecaRunner } from "../../scripts/lib/process-runner";
import { runCheckov, type CheckovReport } from "../../scripts/security-scan/checkov";
import { judgeScan, type ScannedStack } from "../../scripts/security-scan/judge";
import { synthesizeEnvironment } from "./synthesized";

const REPO_ROOT = path.resolve(__dirname, "../..");
const CHECKS = ["CKV_AWS_171", "CKV_AWS_349", "CKV_AWS_350", "CKV_AWS_351", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_49"];

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/** The dev stack with its security configuration, its instance policy document and one extra policy weakened. */
function weaken(json: StackJson): { json: StackJson; securityConfiguration: string; instanceDocument: string } {
  const copy = structuredClone(json) as StackJson & { resource: Blocks; data: Blocks };
  const [securityConfiguration, sc] = Object.entries(copy.resource.aws_emr_security_configuration)[0];
  const document = JSON.parse(sc.configuration as string);
  document.EncryptionConfiguration.EnableInTransitEncryption = false;
  delete document.EncryptionConfiguration.InTransitEncryptionConfiguration;
  document.EncryptionConfiguration.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration.EnableEbsEncryption = false;
  sc.configuration = JSON.stringify(document);

  const [instanceDocument, doc] = Object.entries(copy.data.aws_iam_policy_document).find(([name]) => name.startsWith("iam_instance-policy-document"))!;
  doc.statement = [...(doc.statement as unknown[]), { actions: ["*"], resources: ["*"] }];

  copy.resource.aws_iam_policy.literal_wildcard = {
    name: "literal-wildcard",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
  };
  return { json: copy, securityConfiguration, instanceDocument };
}

const results = (report: CheckovReport, logicalId: string) =>
  report.checks.filter((c) => c.resource.endsWith(`.${logicalId}`)).map((c) => `${c.check}:${c.result}`).sort();

let dir: string;
let original: ScannedStack;
let weakened: ScannedStack;
let securityConfiguration: string;
let instanceDocument: string;
let report: CheckovReport;

beforeAll(async () => {
  original = synthesizeEnvironment("dev");
  const w = weaken(original.json);
  ({ securityConfiguration, instanceDocument } = w);
  dir = mkdtempSync(path.join(tmpdir(), "emr-gap-"));
  mkdirSync(path.join(dir, "emr-dev"));
  const file = path.join(dir, "emr-dev", "cdk.tf.json");
  writeFileSync(file, JSON.stringify(w.json));
  weakened = { id: "emr-dev", file, json: w.json };
  report = await runCheckov([file], { runner: new ExecaRunner(), cwd: REPO_ROOT, checks: CHECKS });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("checkov on the EMR security configuration (a JSON string)", () => {
  it("leaves CKV_AWS_349/350/351 unknown: absent from the report even for a weakened configuration", () => {
    expect(results(report, securityConfiguration)).toEqual(["CKV_AWS_171:passed"]);
    for (const check of ["CKV_AWS_349", "CKV_AWS_350", "CKV_AWS_351"]) {
      expect(report.checks.filter((c) => c.check === check)).toEqual([]);
    }
  });

  it("the policy guard parses the string and rejects the missing in-transit and EBS encryption", () => {
    const violations = runPolicyGuard(weakened.json, { exemptions: PLATFORM_EXEMPTIONS }).violations.filter(
      (v) => v.rule === "emr-security-configuration-encryption",
    );
    expect(violations).toHaveLength(1);
    expect(violations[0].address).toBe(`aws_emr_security_configuration.${securityConfiguration}`);
    expect(violations[0].reason).toMatch(/EnableInTransitEncryption is not true/);
    expect(violations[0].reason).toMatch(/EnableEbsEncryption is not true/);
  });

  it("the scan reports the gap and fails on the guard's violations", () => {
    const verdict = judgeScan(report, [weakened], []);
    expect(verdict.gaps).toEqual([
      expect.objectContaining({
        resourceType: "aws_emr_security_configuration",
        resources: 1,
        unevaluated: ["CKV_AWS_349", "CKV_AWS_350", "CKV_AWS_351"],
        guardViolations: 1,
      }),
    ]);
    expect(verdict.ok).toBe(false);
  });

  it("the unmodified dev stack passes the guard", () => {
    expect(runPolicyGuard(original.json, { exemptions: PLATFORM_EXEMPTIONS }).violations).toEqual([]);
  });
});

describe("checkov on IAM policy JSON strings", () => {
  it("parses a literal policy string and fails its wildcard", () => {
    expect(results(report, "literal_wildcard")).toEqual(["CKV_AWS_62:failed", "CKV_AWS_63:failed"]);
  });

  it("passes a policy that references a document without reading it, and judges the document instead", () => {
    const instancePolicy = Object.keys((weakened.json.resource as Blocks).aws_iam_policy).find((n) => n.startsWith("iam_instance-policy"))!;
    expect(results(report, instancePolicy)).toEqual(["CKV_AWS_62:passed", "CKV_AWS_63:passed"]);
    expect(results(report, instanceDocument)).toContain("CKV_AWS_49:failed");
  });

  it("the policy guard rejects both wildcards", () => {
    const wildcards = runPolicyGuard(weakened.json, { exemptions: PLATFORM_EXEMPTIONS }).violations.filter((v) => v.rule === "iam-no-wildcard-actions");
    expect(wildcards.map((v) => v.address).sort()).toEqual(
      [`aws_iam_policy.literal_wildcard`, `data.aws_iam_policy_document.${instanceDocument}`].sort(),
    );
  });
});
