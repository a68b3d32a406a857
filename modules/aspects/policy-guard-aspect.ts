/**
 * `PolicyGuard`: the Aspect that runs the policy guard (policy/guard.ts) during synth and turns violations into error
 * annotations, which make `app.synth()` / `Testing.fullSynth()` fail.
 */
import { Annotations, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { validateExemptions } from "../../policy/exemptions";
import { formatFinding, runPolicyGuard, type GuardReport, type PolicyGuardOptions } from "../../policy/guard";
import type { StackJson } from "../../policy/stack-json";

/**
 * Aspect that judges the whole stack once, when visiting the stack node (before per-resource aspects such as the
 * tagging one run on the children: no rule may depend on what another aspect adds). Violations become error
 * annotations on the offending construct; exempted findings and stale exemptions become warnings.
 */
export class PolicyGuard implements IAspect {
  private readonly options: PolicyGuardOptions;

  constructor(options: PolicyGuardOptions = {}) {
    validateExemptions(options.exemptions ?? []);
    this.options = options;
  }

  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) this.judge(node, node.toTerraform() as StackJson);
  }

  /** Runs the rules over `json` (the stack as synthesized) and annotates the stack's constructs with the findings. */
  judge(node: TerraformStack, json: StackJson): GuardReport {
    const report = runPolicyGuard(json, this.options);
    const byPath = new Map(node.node.findAll().map((c) => [c.node.path, c] as const));
    for (const finding of report.findings) {
      const target = Annotations.of(byPath.get(finding.path) ?? node);
      if (finding.status === "violation") target.addError(formatFinding(finding));
      else target.addWarning(formatFinding(finding));
    }
    for (const stale of report.unusedExemptions) {
      Annotations.of(node).addWarning(
        `[policy-guard] exemption ${stale.rule} at ${stale.path} matches no finding; fix: remove it from the exemptions`,
      );
    }
    return report;
  }
}
