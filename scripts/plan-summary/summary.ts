/**
 * One environment's plan summary from its validated config and (when synthesized) its stack JSON: what `npm run
 * summary` prints and `--json` emits.
 */
import { PLATFORM_EXEMPTIONS, runPolicyGuard, type Exemption, type GuardReport, type StackJson } from "../../policy";
import type { EnvironmentConfig } from "../../environments";
import { stackId } from "../../modules/outputs";
import { groupBid } from "./bids";
import { capacityAt, scalingRange, type GroupRole, type Market, type ScalingRange } from "./capacity";
import { estimateCost, type CostEstimate } from "./cost";
import type { PriceTable } from "./pricing";
import { countResources, type ResourceCounts } from "./resources";
import { summarizePipelines, type PipelineSummary } from "./pipelines";

export interface InstanceGroupSummary {
  readonly role: GroupRole;
  readonly instanceType: string;
  readonly count: number;
  readonly market: Market;
  /** SPOT groups: the maximum spot price sent to EMR, USD per instance-hour (absent when unknown). */
  readonly bidPrice?: string;
  readonly ebs: { readonly volumesPerInstance: number; readonly sizeGb: number; readonly type: "gp3" };
}

export interface EnvironmentSummary {
  readonly environment: string;
  readonly stackId: string;
  readonly region: string;
  /** Absent when the stack is not synthesized (`stackProblem` says why). */
  readonly resources?: ResourceCounts;
  readonly stackProblem?: string;
  readonly instanceGroups: readonly InstanceGroupSummary[];
  readonly scaling: ScalingRange;
  /** Null for an environment on a local endpoint: nothing is billed. */
  readonly cost: { readonly min: CostEstimate; readonly max: CostEstimate } | null;
  readonly policyGuard?: GuardReport;
  readonly pipelines: readonly PipelineSummary[];
}

export interface SummaryInput {
  readonly config: EnvironmentConfig;
  /** The synthesized stack, or why it is unavailable. */
  readonly stack: { readonly json: StackJson } | { readonly problem: string };
  readonly prices: PriceTable;
  /** @default PLATFORM_EXEMPTIONS */
  readonly exemptions?: readonly Exemption[];
}

export function summarizeEnvironment(input: SummaryInput): EnvironmentSummary {
  const { config, stack, prices } = input;
  const instanceGroups = (["master", "core", "task"] as const).map((role): InstanceGroupSummary => {
    const g = config.instances[role];
    const bidPrice = groupBid(role, config, prices, "json" in stack ? stack.json : undefined);
    return {
      role,
      instanceType: g.instanceType,
      count: g.count,
      market: g.market,
      ...(bidPrice !== undefined ? { bidPrice } : {}),
      ebs: { volumesPerInstance: g.ebs.volumesPerInstance, sizeGb: g.ebs.sizeGb, type: "gp3" },
    };
  });
  const cost = config.endpoint
    ? null
    : {
        min: estimateCost(prices, config.region, capacityAt(config, "min")),
        max: estimateCost(prices, config.region, capacityAt(config, "max")),
      };
  return {
    environment: config.name,
    stackId: stackId(config.name),
    region: config.region,
    ...("json" in stack
      ? { resources: countResources(stack.json), policyGuard: runPolicyGuard(stack.json, { exemptions: input.exemptions ?? PLATFORM_EXEMPTIONS }) }
      : { stackProblem: stack.problem }),
    instanceGroups,
    scaling: scalingRange(config),
    cost,
    pipelines: summarizePipelines(config, prices),
  };
}
