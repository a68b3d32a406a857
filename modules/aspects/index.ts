/**
 * Entry point for the stack: `applyPlatformAspects(this, config)` in EmrPlatformStack adds tagging and the policy
 * guard. The guard's pure half (`runPolicyGuard`) is exported for tooling that reads `cdk.tf.json`.
 */
import { Aspects, type TerraformStack } from "cdktf";
import type { EnvironmentConfig } from "../../environments";
import { PLATFORM_EXEMPTIONS, type Exemption } from "./exemptions";
import { PolicyGuard } from "./policy-guard";
import { PlatformTagging } from "./tagging";

export interface PlatformAspectsOptions {
  /** @default PLATFORM_EXEMPTIONS */
  readonly exemptions?: readonly Exemption[];
}

export function applyPlatformAspects(
  stack: TerraformStack,
  config: EnvironmentConfig,
  options: PlatformAspectsOptions = {},
): { readonly tagging: PlatformTagging; readonly guard: PolicyGuard } {
  const tagging = new PlatformTagging(config);
  const guard = new PolicyGuard({ exemptions: options.exemptions ?? PLATFORM_EXEMPTIONS });
  Aspects.of(stack).add(tagging);
  Aspects.of(stack).add(guard);
  return { tagging, guard };
}

export { PLATFORM_EXEMPTIONS, ExemptionError, validateExemptions, pathMatches, type Exemption } from "./exemptions";
export { PolicyGuard, runPolicyGuard, formatFinding, formatGuardTotals, type Finding, type GuardReport, type PolicyGuardOptions } from "./policy-guard";
export { PlatformTagging, mergeMissingTags, EMR_MANAGED_TAG_KEY, EMR_MANAGED_TAG_VALUE, EMR_MANAGED_RESOURCE_TYPES } from "./tagging";
export { POLICY_RULES, RULE_IDS, type RuleId } from "./rules";
export type { StackJson } from "./stack-json";
