/**
 * Entry point for the stack: `applyPlatformAspects(this, config)` in EmrPlatformStack adds tagging and the policy
 * guard. The guard's pure half (`runPolicyGuard`) lives in policy/, for tooling that reads `cdk.tf.json`.
 */
import { Aspects, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";
import { PLATFORM_EXEMPTIONS, type Exemption } from "../../policy/exemptions";
import type { StackJson } from "../../policy/stack-json";
import { PolicyGuard } from "./policy-guard-aspect";
import { PlatformTagging } from "./tagging";

export interface PlatformAspectsOptions {
  /** @default PLATFORM_EXEMPTIONS */
  readonly exemptions?: readonly Exemption[];
}

/**
 * Tagging then the guard, on one resolution of the stack: resolving a whole stack costs roughly 15% of its synth
 * (measured on the four environments), so both read the same JSON (the guard's rules never depend on tags).
 */
export class PlatformAspects implements IAspect {
  constructor(
    readonly tagging: PlatformTagging,
    readonly guard: PolicyGuard,
  ) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const json = node.toTerraform() as StackJson;
    this.tagging.tag(node, json);
    this.guard.judge(node, json);
  }
}

export function applyPlatformAspects(
  stack: TerraformStack,
  config: Pick<EnvironmentConfig, "tags">,
  options: PlatformAspectsOptions = {},
): PlatformAspects {
  const aspects = new PlatformAspects(
    new PlatformTagging(config),
    new PolicyGuard({ exemptions: options.exemptions ?? PLATFORM_EXEMPTIONS }),
  );
  Aspects.of(stack).add(aspects);
  return aspects;
}

export { PolicyGuard } from "./policy-guard-aspect";
export { PlatformTagging, mergeMissingTags, EMR_MANAGED_TAG_KEY, EMR_MANAGED_TAG_VALUE, EMR_MANAGED_RESOURCE_TYPES } from "./tagging";
