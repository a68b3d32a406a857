import path from "node:path";
import { StackIndex } from "../../policy/stack-json";
import { findSkip, loadSkips, parseSkips, type CheckovSkip } from "../../scripts/security-scan/skips";
import { synthesizeEnvironment } from "./synthesized";

const REPO_ROOT = path.resolve(__dirname, "../..");

/** checkov's checks on data.aws_iam_policy_document (as run on our stacks). */
const IAM_DOCUMENT_CHECKS = ["CKV_AWS_1", "CKV_AWS_49", "CKV_AWS_107", "CKV_AWS_108", "CKV_AWS_109", "CKV_AWS_110", "CKV_AWS_111", "CKV_AWS_283", "CKV_AWS_356", "CKV_AWS_358"];

const entry = (overrides: Partial<CheckovSkip> = {}) => ({
  check: "CKV_AWS_144",
  paths: ["emr-*/storage/*/bucket"],
  reason: "Replication is disaster recovery; every bucket here is reproducible.",
  ...overrides,
});
const file = (...skips: unknown[]) => JSON.stringify({ skips });

describe("parseSkips", () => {
  it("reads checks, construct-path globs and reasons", () => {
    expect(parseSkips(file(entry(), entry({ check: "CKV2_AWS_62", paths: ["emr-dev/storage/logs/bucket"] })))).toEqual([
      entry(),
      entry({ check: "CKV2_AWS_62", paths: ["emr-dev/storage/logs/bucket"] }),
    ]);
  });

  it("accepts a $comment and an empty list", () => {
    expect(parseSkips(JSON.stringify({ $comment: "why this file exists", skips: [] }))).toEqual([]);
  });

  it("fails if an entry has no reason", () => {
    const { reason: _reason, ...noReason } = entry();
    expect(() => parseSkips(file(noReason))).toThrow(/skips\.0\.reason/);
  });

  it("fails if the reason is a token gesture", () => {
    expect(() => parseSkips(file(entry({ reason: "false positive" })))).toThrow(/skips\.0\.reason must say why/);
  });

  it("fails if the check is not a checkov id", () => {
    expect(() => parseSkips(file(entry({ check: "s3-replication" })))).toThrow(/skips\.0\.check must be a checkov check id/);
  });

  it("fails if paths is empty (a skip is always scoped)", () => {
    expect(() => parseSkips(file(entry({ paths: [] })))).toThrow(/skips\.0\.paths must list at least one/);
  });

  it("fails if a path is blank", () => {
    expect(() => parseSkips(file(entry({ paths: ["  "] })))).toThrow(/skips\.0\.paths\.0 must not be empty/);
  });

  it("fails if an entry has an unknown field (a typo would otherwise be ignored)", () => {
    expect(() => parseSkips(file({ ...entry(), resource: "aws_s3_bucket.x" }))).toThrow(/skips\.0.*resource/);
  });

  it("fails if a check is listed twice", () => {
    expect(() => parseSkips(file(entry(), entry({ paths: ["emr-dev/x"] })))).toThrow(/CKV_AWS_144 listed more than once/);
  });

  it("fails if the file is not JSON, naming the file", () => {
    expect(() => parseSkips("skip-check: [CKV_AWS_144]", "checkov/skips.json")).toThrow(/^checkov\/skips\.json: not valid JSON/);
  });

  it("names every bad entry in one message", () => {
    expect(() => parseSkips(file(entry({ check: "nope" }), entry({ check: "CKV_AWS_1", reason: "" })))).toThrow(
      /skips\.0\.check.*; skips\.1\.reason/,
    );
  });

  it("fails if the file cannot be read", () => {
    expect(() => loadSkips("/nonexistent/skips.json")).toThrow(/\/nonexistent\/skips\.json: cannot read it \(ENOENT\)/);
  });
});

describe("findSkip", () => {
  const skips = parseSkips(file(entry(), entry({ check: "CKV_AWS_356", paths: ["emr-*/storage/key/policy/document"] })));

  it("matches the check on a path the glob covers, in any environment", () => {
    expect(findSkip(skips, "CKV_AWS_144", "emr-prod/storage/data/bucket")).toBe(skips[0]);
    expect(findSkip(skips, "CKV_AWS_356", "emr-local/storage/key/policy/document")).toBe(skips[1]);
  });

  it("does not match the same check on another resource", () => {
    expect(findSkip(skips, "CKV_AWS_356", "emr-dev/iam/instance-policy-document")).toBeUndefined();
    expect(findSkip(skips, "CKV_AWS_144", "emr-dev/storage/data/bucket-policy")).toBeUndefined();
  });

  it("does not match another check on the covered resource", () => {
    expect(findSkip(skips, "CKV_AWS_145", "emr-dev/storage/data/bucket")).toBeUndefined();
  });
});

describe("the checked-in checkov/skips.json", () => {
  const skips = loadSkips(path.join(REPO_ROOT, "checkov/skips.json"));

  it("is valid: every entry names a check, scoped paths and a reason", () => {
    expect(skips.length).toBeGreaterThan(0);
    for (const skip of skips) expect(skip.reason.length).toBeGreaterThanOrEqual(20);
  });

  it("never skips checkov's IAM policy checks on a policy document other than the KMS key policy", () => {
    const documents = new StackIndex(synthesizeEnvironment("prod").json).ofType("data.aws_iam_policy_document").map((d) => d.path);
    expect(documents).toContain("emr-prod/iam/instance-policy-document/document");
    expect(documents).toContain("emr-prod/storage/key/policy/document");
    for (const document of documents.filter((d) => d !== "emr-prod/storage/key/policy/document")) {
      for (const check of IAM_DOCUMENT_CHECKS) expect([check, document, findSkip(skips, check, document)]).toEqual([check, document, undefined]);
    }
  });

  it("skips no check for every resource (no bare ** globs)", () => {
    for (const skip of skips) expect(skip.paths).not.toContain("**");
  });
});
