/**
 * Estimated hourly cost of a capacity point: per instance, on-demand EC2 (times 1 - spot discount for spot groups)
 * plus the EMR uplift. An instance type or region missing from the table is named, its group costed as unknown, and
 * the total marked as a lower bound rather than failing the whole summary.
 */
import type { GroupCapacity } from "../../modules/emr-cluster/capacity-model";
import { priceOf, type PriceTable } from "../../environments/instance-types";

export interface GroupCost extends GroupCapacity {
  /** USD per hour for the group, or null when its price is unknown. */
  readonly hourly: number | null;
  /** USD per hour per instance (EC2 after any spot discount + EMR), or null when unknown. */
  readonly perInstance: number | null;
}

export interface CostEstimate {
  readonly groups: readonly GroupCost[];
  /** Sum of the known groups, USD per hour. */
  readonly hourly: number;
  /** False when a group with instances has no price: `hourly` is then a lower bound. */
  readonly complete: boolean;
  /** One line per missing price, naming instance type and region. */
  readonly unknown: readonly string[];
}

export function instanceHourly(table: PriceTable, region: string, instanceType: string, market: GroupCapacity["market"]): number | null {
  const price = priceOf(table, region, instanceType);
  if (!price) return null;
  const ec2 = market === "SPOT" ? price.ec2 * (1 - table.spot.discountOffOnDemand) : price.ec2;
  return ec2 + price.emr;
}

export function estimateCost(table: PriceTable, region: string, groups: readonly GroupCapacity[]): CostEstimate {
  const costed = groups.map((g): GroupCost => {
    const perInstance = instanceHourly(table, region, g.instanceType, g.market);
    return { ...g, perInstance, hourly: perInstance === null ? (g.count === 0 ? 0 : null) : perInstance * g.count };
  });
  const unknown = costed
    .filter((g) => g.hourly === null)
    .map((g) => `no price for ${g.instanceType} in ${region} (${g.role} group); fix: add it to environments/instance-types.json`);
  return {
    groups: costed,
    hourly: costed.reduce((sum, g) => sum + (g.hourly ?? 0), 0),
    complete: unknown.length === 0,
    unknown,
  };
}
