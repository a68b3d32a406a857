/**
 * Judging one scan: checkov's failed checks against the skip file, the checks checkov could not evaluate because their
 * input is a JSON string, and the policy guard over the same synthesized stacks (which parses those strings).
 */
import { PLATFORM_EXEMPTIONS, runPolicyGuard, type Finding, type StackJson } from "../../policy";
import { StackIndex } from "../../policy/stack-json";
import { logicalIdOf, type CheckovReport } from "./checkov";
import { findSkip, type CheckovSkip } from "./skips";

/** One synthesized stack as scanned: its id (`emr-dev`), the file checkov read and its parsed JSON. */
export interface ScannedStack {
  readonly id: string;
  readonly file: string;
  readonly json: StackJson;
}

export interface ScanFinding {
  readonly check: string;
  readonly title: string;
  readonly stack: string;
  /** Terraform address, e.g. `data.aws_availability_zones.network_azs_7B2E26B5`. */
  readonly address: string;
  /** Construct path, e.g. `emr-dev/network/azs` (what skips match). */
  readonly path: string;
}

/**
 * Checks checkov reports as UNKNOWN (and then drops from its output) because the attribute they read is a JSON string
 * in Terraform JSON, paired with the policy-guard rule that parses that string instead.
 */
export const JSON_STRING_GAPS = [
  {
    resourceType: "aws_emr_security_configuration",
    attribute: "configuration",
    checks: ["CKV_AWS_349", "CKV_AWS_350", "CKV_AWS_351"],
    guardRule: "emr-security-configuration-encryption",
  },
] as const;

export interface JsonStringGap {
  readonly resourceType: string;
  readonly attribute: string;
  readonly guardRule: string;
  /** Resources of this type across the scanned stacks. */
  readonly resources: number;
  /** Gap checks checkov evaluated on none of them (the gap is real when this is every check). */
  readonly unevaluated: readonly string[];
  /** Guard violations of `guardRule` on these resources. */
  readonly guardViolations: number;
}

export interface ScanVerdict {
  readonly version: string;
  readonly stacks: readonly string[];
  readonly passed: number;
  readonly failed: readonly ScanFinding[];
  readonly skipped: ReadonlyArray<{ readonly skip: CheckovSkip; readonly findings: readonly ScanFinding[] }>;
  /** Skips that matched no failed check: stale, remove them. */
  readonly staleSkips: readonly CheckovSkip[];
  readonly gaps: readonly JsonStringGap[];
  readonly guard: { readonly rules: number; readonly violations: readonly Finding[]; readonly exempted: number };
  readonly ok: boolean;
}

const indexes = new WeakMap<StackJson, StackIndex>();
function indexOf(stack: ScannedStack): StackIndex {
  let index = indexes.get(stack.json);
  if (!index) indexes.set(stack.json, (index = new StackIndex(stack.json)));
  return index;
}

/** Where a checkov result points: the stack, the Terraform address and the construct path skips match against. */
function locate(stacks: readonly ScannedStack[], file: string, resource: string): { stack: string; address: string; path: string } {
  const stack = stacks.find((s) => s.file === file);
  if (!stack) return { stack: file, address: resource, path: resource };
  const logicalId = logicalIdOf(resource);
  const found = indexOf(stack).resources.find((r) => r.name === logicalId);
  return found ? { stack: stack.id, address: found.address, path: found.path } : { stack: stack.id, address: resource, path: `${stack.id}/${resource}` };
}

export function judgeScan(report: CheckovReport, stacks: readonly ScannedStack[], skips: readonly CheckovSkip[]): ScanVerdict {
  const failed: ScanFinding[] = [];
  const skippedBy = new Map<CheckovSkip, ScanFinding[]>();
  for (const c of report.checks) {
    if (c.result !== "failed") continue;
    const finding: ScanFinding = { check: c.check, title: c.title, ...locate(stacks, c.file, c.resource) };
    const skip = findSkip(skips, finding.check, finding.path);
    if (skip) skippedBy.set(skip, [...(skippedBy.get(skip) ?? []), finding]);
    else failed.push(finding);
  }

  const guardReports = stacks.map((s) => runPolicyGuard(s.json, { exemptions: PLATFORM_EXEMPTIONS }));
  const violations = guardReports.flatMap((r) => r.violations);

  const gaps: JsonStringGap[] = JSON_STRING_GAPS.map((gap) => {
    const resources = stacks.flatMap((s) =>
      indexOf(s).ofType(gap.resourceType).map((r) => ({ file: s.file, name: r.name, address: r.address })),
    );
    const evaluated = (check: string) =>
      report.checks.some((c) => c.check === check && resources.some((r) => r.file === c.file && r.name === logicalIdOf(c.resource)));
    return {
      resourceType: gap.resourceType,
      attribute: gap.attribute,
      guardRule: gap.guardRule,
      resources: resources.length,
      unevaluated: gap.checks.filter((check) => !evaluated(check)),
      guardViolations: violations.filter((v) => v.rule === gap.guardRule).length,
    };
  });

  const staleSkips = skips.filter((skip) => !skippedBy.has(skip));
  return {
    version: report.version,
    stacks: stacks.map((s) => s.id),
    passed: report.checks.filter((c) => c.result === "passed").length,
    failed,
    skipped: skips.filter((skip) => skippedBy.has(skip)).map((skip) => ({ skip, findings: skippedBy.get(skip) ?? [] })),
    staleSkips,
    gaps,
    guard: {
      rules: guardReports[0]?.rules ?? 0,
      violations,
      exempted: guardReports.reduce((n, r) => n + r.exempted.length, 0),
    },
    ok: failed.length === 0 && staleSkips.length === 0 && violations.length === 0,
  };
}
