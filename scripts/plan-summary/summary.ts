/**
 * One environment's plan summary from its validated config and (when synthesized) its stack JSON: what `npm run
 * summary` prints and `--json` emits.
 */
import { PLATFORM_EXEMPTIONS, runPolicyGuard, type Exemption, type GuardReport, type StackJson } from "../../policy";
import type { EnvironmentConfig } from "../../environments";
import { stackId } from "../../contracts/stack-outputs";
import { groupBid } from "./bids";
import { NODE_ROLES, type Market, type NodeRole } from "../../contracts/emr";
import { fleetCapacityAt, groupCapacityAt, scalingRange, type ScalingRange } from "../../modules/emr-cluster/capacity-model";
import { estimateCost, type CostEstimate } from "./cost";
import { estimateFleetCost, type FleetCostRange } from "./fleet-cost";
import type { PriceTable } from "../../environments/instance-types";
import { countResources, type ResourceCounts } from "./resources";
import { summarizePipelines, type PipelineSummary } from "./pipelines";
import { estimateServerlessCost, type ServerlessCostEstimate } from "./serverless-cost";
import { loadServerlessPriceTable, type ServerlessPriceTable } from "../../environments/serverless-prices";
import { estimateStreamingCost, type StreamingCostEstimate } from "./streaming-cost";
import { loadKinesisPriceTable, type KinesisPriceTable } from "../../environments/kinesis-prices";

export interface InstanceGroupSummary {
  readonly role: NodeRole;
  readonly instanceType: string;
  readonly count: number;
  readonly market: Market;
  /** SPOT groups: the maximum spot price sent to EMR, USD per instance-hour (absent when unknown). */
  readonly bidPrice?: string;
  readonly ebs: { readonly volumesPerInstance: number; readonly sizeGb: number; readonly type: "gp3" };
}

/** One instance fleet as configured: its target units and the types that may fill them. */
export interface InstanceFleetSummary {
  readonly role: NodeRole;
  readonly targetOnDemandUnits: number;
  readonly targetSpotUnits: number;
  readonly types: readonly { readonly instanceType: string; readonly weightedCapacity: number }[];
  readonly spotAllocationStrategy?: string;
  readonly onDemandAllocationStrategy?: string;
}

export interface EnvironmentSummary {
  readonly environment: string;
  readonly stackId: string;
  readonly region: string;
  /** Absent when the stack is not synthesized (`stackProblem` says why). */
  readonly resources?: ResourceCounts;
  readonly stackProblem?: string;
  /** Empty for an environment of instance fleets. */
  readonly instanceGroups: readonly InstanceGroupSummary[];
  /** Empty for an environment of instance groups. */
  readonly instanceFleets: readonly InstanceFleetSummary[];
  readonly scaling: ScalingRange;
  /** Instance groups' cost per hour at both ends of the range; null for fleets (see fleetCost) or a local endpoint (nothing is billed). */
  readonly cost: { readonly min: CostEstimate; readonly max: CostEstimate } | null;
  /** Instance fleets' cost range per hour (cheapest and dearest mix) at both ends of the scaling range. */
  readonly fleetCost?: { readonly min: FleetCostRange; readonly max: FleetCostRange };
  readonly policyGuard?: GuardReport;
  readonly pipelines: readonly PipelineSummary[];
  /**
   * Absent when the environment does not enable EMR Serverless; `cost: null` on a local endpoint (nothing is billed).
   */
  readonly serverless?: { readonly cost: ServerlessCostEstimate | null };
  /** Absent when the environment does not enable streaming; `cost: null` on a local endpoint (nothing is billed). */
  readonly streaming?: { readonly cost: StreamingCostEstimate | null };
}

export interface SummaryInput {
  readonly config: EnvironmentConfig;
  /** The synthesized stack, or why it is unavailable. */
  readonly stack: { readonly json: StackJson } | { readonly problem: string };
  readonly prices: PriceTable;
  /** @default PLATFORM_EXEMPTIONS */
  readonly exemptions?: readonly Exemption[];
  /** @default the checked-in environments/serverless-prices.json */
  readonly serverlessPrices?: ServerlessPriceTable;
  /** @default the checked-in environments/kinesis-prices.json */
  readonly kinesisPrices?: KinesisPriceTable;
}

export function summarizeEnvironment(input: SummaryInput): EnvironmentSummary {
  const { config, stack, prices } = input;
  const fleets = config.fleets;
  const instanceGroups = fleets
    ? []
    : NODE_ROLES.map((role): InstanceGroupSummary => {
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
  const instanceFleets = NODE_ROLES.flatMap((role): InstanceFleetSummary[] => {
    const f = fleets?.[role];
    if (!f) return [];
    return [
      {
        role,
        targetOnDemandUnits: f.targetOnDemandCapacity,
        targetSpotUnits: f.targetSpotCapacity,
        types: f.instanceTypes.map((t) => ({ instanceType: t.instanceType, weightedCapacity: t.weightedCapacity })),
        ...(f.spot ? { spotAllocationStrategy: f.spot.allocationStrategy } : {}),
        ...(f.onDemand ? { onDemandAllocationStrategy: f.onDemand.allocationStrategy } : {}),
      },
    ];
  });
  const billed = !config.endpoint;
  const cost =
    billed && !fleets
      ? {
          min: estimateCost(prices, config.region, groupCapacityAt(config, "min")),
          max: estimateCost(prices, config.region, groupCapacityAt(config, "max")),
        }
      : null;
  const fleetCost =
    billed && fleets
      ? { min: estimateFleetCost(prices, config.region, fleetCapacityAt(config, "min")), max: estimateFleetCost(prices, config.region, fleetCapacityAt(config, "max")) }
      : undefined;
  return {
    environment: config.name,
    stackId: stackId(config.name),
    region: config.region,
    ...("json" in stack
      ? { resources: countResources(stack.json), policyGuard: runPolicyGuard(stack.json, { exemptions: input.exemptions ?? PLATFORM_EXEMPTIONS }) }
      : { stackProblem: stack.problem }),
    instanceGroups,
    instanceFleets,
    scaling: scalingRange(config),
    cost,
    ...(fleetCost ? { fleetCost } : {}),
    pipelines: summarizePipelines(config, prices),
    ...(config.serverless.enabled
      ? { serverless: { cost: billed ? estimateServerlessCost(input.serverlessPrices ?? loadServerlessPriceTable(), config) : null } }
      : {}),
    ...(config.streaming.enabled
      ? { streaming: { cost: billed ? estimateStreamingCost(input.kinesisPrices ?? loadKinesisPriceTable(), config) : null } }
      : {}),
  };
}
