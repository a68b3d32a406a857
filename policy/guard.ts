/**
 * The policy guard: runs every rule over a synthesized stack. `runPolicyGuard` is pure (JSON in, report out) so
 * `npm run summary` can judge `cdk.tf.json` on disk; `PolicyGuard` (modules/aspects/policy-guard-aspect.ts) is the
 * Aspect that runs it during synth and turns violations into error annotations, which make `app.synth()` fail.
 */
import { pathMatches, validateExemptions, type Exemption } from "./exemptions";
import type { PolicyRule } from "./rule";
import { POLICY_RULES, type RuleId } from "./rules";
import { StackIndex, type StackJson } from "./stack-json";

export interface Finding {
  readonly rule: RuleId;
  /** Terraform address, e.g. `aws_s3_bucket.storage_data_978B6A64`. */
  readonly address: string;
  /** Construct path, e.g. `emr-dev/storage/data`. */
  readonly path: string;
  readonly status: "violation" | "exempted";
  /** What is wrong and how to fix it. */
  readonly reason: string;
  /** The exemption's reason, for exempted findings. */
  readonly exemption?: string;
}

export interface GuardReport {
  /** Number of rules run. */
  readonly rules: number;
  /** Resources and data sources at least one rule applied to. */
  readonly checked: number;
  readonly findings: readonly Finding[];
  readonly violations: readonly Finding[];
  readonly exempted: readonly Finding[];
  /** Exemptions that matched no finding: stale, remove them. */
  readonly unusedExemptions: readonly Exemption[];
}

export interface PolicyGuardOptions {
  /** @default [] (callers pass PLATFORM_EXEMPTIONS) */
  readonly exemptions?: readonly Exemption[];
  /** @default POLICY_RULES */
  readonly rules?: readonly PolicyRule<RuleId>[];
}

export function runPolicyGuard(stack: StackJson, options: PolicyGuardOptions = {}): GuardReport {
  const exemptions = options.exemptions ?? [];
  const rules = options.rules ?? POLICY_RULES;
  validateExemptions(exemptions);
  const index = new StackIndex(stack);
  const used = new Set<Exemption>();
  const findings: Finding[] = [];
  const checked = new Set<string>();

  for (const resource of index.resources) {
    const key = resource.mode === "data" ? `data.${resource.type}` : resource.type;
    for (const rule of rules) {
      if (!rule.appliesTo.includes(key)) continue;
      checked.add(resource.address);
      const result = rule.check(resource, index);
      if (result.status !== "non-compliant") continue;
      const exemption = exemptions.find((e) => e.rule === rule.id && pathMatches(e.path, resource.path));
      if (exemption) used.add(exemption);
      findings.push({
        rule: rule.id,
        address: resource.address,
        path: resource.path,
        status: exemption ? "exempted" : "violation",
        reason: result.reason,
        ...(exemption ? { exemption: exemption.reason } : {}),
      });
    }
  }
  return {
    rules: rules.length,
    checked: checked.size,
    findings,
    violations: findings.filter((f) => f.status === "violation"),
    exempted: findings.filter((f) => f.status === "exempted"),
    unusedExemptions: exemptions.filter((e) => !used.has(e)),
  };
}

/** One line per finding, as synth errors and the summary print it. */
export function formatFinding(finding: Finding): string {
  const base = `[policy-guard:${finding.rule}] ${finding.address}: ${finding.reason}`;
  return finding.status === "exempted" ? `${base} — exempted: ${finding.exemption}` : base;
}

/** "12 rules, 0 violations, 1 exempted" */
export function formatGuardTotals(report: GuardReport): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(report.rules, "rule")}, ${plural(report.violations.length, "violation")}, ${report.exempted.length} exempted`;
}
