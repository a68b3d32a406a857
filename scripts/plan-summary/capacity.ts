/**
 * What an environment runs at the bottom and the top of its scaling range: instances per group, with each group's
 * type and market. The model, stated once:
 * - no scaling: the configured counts, min = max;
 * - custom autoscaling: master and core as configured, task nodes from minCapacity to maxCapacity;
 * - managed scaling (unit type Instances, as the cluster module sets it): the range counts core + task instances
 *   (the master is outside it); core grows first, up to maxCoreCapacity and, for an on-demand core group, up to
 *   maxOnDemandCapacity; the remaining units are task nodes at the task group's market.
 */
import type { EnvironmentConfig } from "../../environments";
import type { GroupRole, Market } from "../../modules/core/emr-vocabulary";

export type { GroupRole, Market };

export interface GroupCapacity {
  readonly role: GroupRole;
  readonly instanceType: string;
  readonly market: Market;
  readonly count: number;
}

export type ScalingRange =
  | { readonly kind: "none" }
  | { readonly kind: "custom"; readonly group: "task"; readonly min: number; readonly max: number }
  | {
      readonly kind: "managed";
      readonly unit: "instances";
      readonly min: number;
      readonly max: number;
      readonly maxOnDemand?: number;
      readonly maxCore?: number;
    };

export function scalingRange(config: EnvironmentConfig): ScalingRange {
  const { autoscaling, managed } = config.scaling;
  if (autoscaling) return { kind: "custom", group: "task", min: autoscaling.minCapacity, max: autoscaling.maxCapacity };
  if (managed) {
    return {
      kind: "managed",
      unit: "instances",
      min: managed.minCapacity,
      max: managed.maxCapacity,
      ...(managed.maxOnDemandCapacity !== undefined ? { maxOnDemand: managed.maxOnDemandCapacity } : {}),
      ...(managed.maxCoreCapacity !== undefined ? { maxCore: managed.maxCoreCapacity } : {}),
    };
  }
  return { kind: "none" };
}

/** Core and task instances for `units` of managed capacity. */
function splitManagedUnits(config: EnvironmentConfig, units: number, range: Extract<ScalingRange, { kind: "managed" }>) {
  let core = Math.min(units, range.maxCore ?? units);
  if (config.instances.core.market === "ON_DEMAND" && range.maxOnDemand !== undefined) core = Math.min(core, range.maxOnDemand);
  core = Math.max(core, Math.min(1, units)); // a cluster keeps at least one core node
  return { core, task: units - core };
}

export function capacityAt(config: EnvironmentConfig, end: "min" | "max"): GroupCapacity[] {
  const { master, core, task } = config.instances;
  const range = scalingRange(config);
  let counts: Record<GroupRole, number>;
  if (range.kind === "none") counts = { master: master.count, core: core.count, task: task.count };
  else if (range.kind === "custom") counts = { master: master.count, core: core.count, task: range[end] };
  else counts = { master: master.count, ...splitManagedUnits(config, range[end], range) };
  return (["master", "core", "task"] as const).map((role) => ({
    role,
    instanceType: config.instances[role].instanceType,
    market: config.instances[role].market,
    count: counts[role],
  }));
}
