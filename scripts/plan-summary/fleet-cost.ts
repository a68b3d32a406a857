/**
 * Hourly cost range of instance fleets. A fleet's target units can be met by many mixes of its instance types, so a
 * fleet has no single price: per market we give the cheapest mix that meets the target units (exact, over whole
 * instances, overshoot allowed: EMR "provisions instances until the target capacity is totally fulfilled, even if this
 * results in an overage", EMR API reference, InstanceFleetConfig.TargetOnDemandCapacity) and the dearest (every unit from the one type whose whole-instance
 * cover costs most). Each is named by its mix. Prices come from the checked-in table; a type it lacks fails the
 * summary with a message naming the type, region and fleet.
 */
import type { Market } from "../../contracts/emr";
import type { FleetCapacity, FleetTypeOption } from "../../modules/emr-cluster/capacity-model";
import { priceOf, PriceTableError, type PriceTable } from "../../environments/instance-types";

export interface MixPart {
  readonly instanceType: string;
  readonly market: Market;
  readonly count: number;
}

export interface FleetMix {
  readonly parts: readonly MixPart[];
  /** USD per hour. */
  readonly hourly: number;
}

export interface FleetCost {
  readonly role: FleetCapacity["role"];
  readonly onDemandUnits: number;
  readonly spotUnits: number;
  readonly cheapest: FleetMix;
  readonly dearest: FleetMix;
}

export interface FleetCostRange {
  readonly fleets: readonly FleetCost[];
  /** USD per hour, all fleets at their cheapest / dearest mix. */
  readonly cheapest: number;
  readonly dearest: number;
}

/**
 * Per-instance hourly price of one type on one market: on-demand EC2, or spot at the table's discount (never above the
 * type's bid cap, % of on-demand), plus the EMR uplift, which EMR charges on spot too.
 */
export function fleetInstanceHourly(table: PriceTable, region: string, option: FleetTypeOption, market: Market, role: string): number {
  const price = priceOf(table, region, option.instanceType);
  if (!price) {
    throw new PriceTableError(
      `no price for ${option.instanceType} in ${region} (${role} fleet) in environments/instance-types.json; fix: add the type's row with its prices, or drop it from fleets.${role}.instanceTypes`,
    );
  }
  if (market === "ON_DEMAND") return price.ec2 + price.emr;
  const cap = price.ec2 * ((option.bidPriceAsPercentageOfOnDemandPrice ?? 100) / 100);
  return Math.min(price.ec2 * (1 - table.spot.discountOffOnDemand), cap) + price.emr;
}

interface Priced {
  readonly option: FleetTypeOption;
  readonly hourly: number;
}

/** The cheapest whole-instance cover of `units` (unbounded covering knapsack over unit counts; targets are small). */
function cheapestCover(units: number, priced: readonly Priced[], market: Market): FleetMix {
  if (units === 0) return { parts: [], hourly: 0 };
  const best: { cost: number; pick: number }[] = [{ cost: 0, pick: -1 }];
  for (let u = 1; u <= units; u++) {
    let cost = Infinity;
    let pick = -1;
    priced.forEach((p, i) => {
      const c = best[Math.max(0, u - p.option.weightedCapacity)].cost + p.hourly;
      if (c < cost - 1e-12) [cost, pick] = [c, i];
    });
    best.push({ cost, pick });
  }
  const counts = new Map<number, number>();
  for (let u = units; u > 0; u -= priced[best[u].pick].option.weightedCapacity) counts.set(best[u].pick, (counts.get(best[u].pick) ?? 0) + 1);
  const parts = [...counts].map(([i, count]) => ({ instanceType: priced[i].option.instanceType, market, count }));
  return { parts, hourly: best[units].cost };
}

/** The dearest single-type cover of `units`: the type whose ceil(units / weight) instances cost most. */
function dearestCover(units: number, priced: readonly Priced[], market: Market): FleetMix {
  if (units === 0) return { parts: [], hourly: 0 };
  const covers = priced.map((p) => ({ p, count: Math.ceil(units / p.option.weightedCapacity) }));
  const top = covers.reduce((a, b) => (b.count * b.p.hourly > a.count * a.p.hourly ? b : a));
  return { parts: [{ instanceType: top.p.option.instanceType, market, count: top.count }], hourly: top.count * top.p.hourly };
}

const join = (a: FleetMix, b: FleetMix): FleetMix => ({ parts: [...a.parts, ...b.parts], hourly: a.hourly + b.hourly });

export function estimateFleetCost(table: PriceTable, region: string, fleets: readonly FleetCapacity[]): FleetCostRange {
  const costed = fleets.map((fleet): FleetCost => {
    const priced = (market: Market) => fleet.types.map((option) => ({ option, hourly: fleetInstanceHourly(table, region, option, market, fleet.role) }));
    const onDemand = priced("ON_DEMAND");
    const spot = priced("SPOT");
    return {
      role: fleet.role,
      onDemandUnits: fleet.onDemandUnits,
      spotUnits: fleet.spotUnits,
      cheapest: join(cheapestCover(fleet.onDemandUnits, onDemand, "ON_DEMAND"), cheapestCover(fleet.spotUnits, spot, "SPOT")),
      dearest: join(dearestCover(fleet.onDemandUnits, onDemand, "ON_DEMAND"), dearestCover(fleet.spotUnits, spot, "SPOT")),
    };
  });
  return {
    fleets: costed,
    cheapest: costed.reduce((sum, f) => sum + f.cheapest.hourly, 0),
    dearest: costed.reduce((sum, f) => sum + f.dearest.hourly, 0),
  };
}

/** "2× r6i.2xlarge spot + 1× m6i.2xlarge on-demand" */
export function formatMix(mix: FleetMix): string {
  if (mix.parts.length === 0) return "none";
  return mix.parts.map((p) => `${p.count}× ${p.instanceType} ${p.market === "SPOT" ? "spot" : "on-demand"}`).join(" + ");
}
