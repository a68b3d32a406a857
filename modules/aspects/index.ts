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
import { handOffResolution, ResolvedOnceStack, takeResolution } from "./resolution-handoff";
import { PlatformTagging } from "./tagging";

export interface PlatformAspectsOptions {
  /** @default PLATFORM_EXEMPTIONS */
  readonly exemptions?: readonly Exemption[];
}

/**
 * Tagging then the guard, with one resolution of the whole stack: tagging resolves only the cluster and its network
 * (emrNetworkJson), the guard then judges the tagged stack as Terraform will receive it, and that JSON is handed to
 * the write of cdk.tf.json (resolution-handoff.ts) instead of being resolved again. On a ResolvedOnceStack that
 * resolution itself reuses cdktf's preparing pass for every element the tagging left alone, when no other aspect in
 * the app could have changed the stack since.
 */
export class PlatformAspects implements IAspect {
  constructor(
    readonly tagging: PlatformTagging,
    readonly guard: PolicyGuard,
  ) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const changed = this.tagging.tag(node);
    takeResolution(node); // one left from an earlier synth that was never written is out of date
    const prepared = node instanceof ResolvedOnceStack ? node.resolvePrepared(onlyPlatformAspects(node) ? changed : undefined) : undefined;
    const json = (prepared ?? node.toTerraform()) as StackJson;
    this.guard.judge(node, json);
    handOffResolution(node, this, json);
  }
}

/** True when every aspect in the app is a PlatformAspects: each changes only its own stack, and only by tagging. */
function onlyPlatformAspects(stack: TerraformStack): boolean {
  return stack.node.root.node.findAll().every((c) => Aspects.of(c).all.every((aspect) => aspect instanceof PlatformAspects));
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
export { ResolvedOnceStack, takeResolution } from "./resolution-handoff";
export { PlatformTagging, emrNetworkJson, mergeMissingTags, EMR_MANAGED_TAG_KEY, EMR_MANAGED_TAG_VALUE, EMR_MANAGED_RESOURCE_TYPES } from "./tagging";
