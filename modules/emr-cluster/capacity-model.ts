/**
 * The one capacity model: what nodes an environment runs and how they scale, stated once for both shapes EMR offers.
 * The cluster definition (cluster-spec.ts) renders from it, the plan summary prices it, and `info` speaks its words.
 *
 * - shape `groups`: one instance type and market per role, counted in instances;
 * - shape `fleets`: several instance types per role, on-demand and spot targets counted in weighted units.
 * - scaling `none`: the configured counts or targets, min = max;
 * - scaling `custom` (groups only): task instances from minCapacity to maxCapacity;
 * - scaling `managed`: the range counts core + task instances (groups, unit type `Instances`) or units (fleets,
 *   `InstanceFleetUnits`); the master is outside it. Core grows first, up to maxCoreCapacity; on-demand capacity is
 *   used first, core before task, up to maxOnDemandCapacity; the remaining units are spot (fleets) or the task group's
 *   market (groups) (EMR management guide, "Managed scaling: node allocation strategy").
 */
import { MANAGED_UNIT_TYPE, NODE_ROLES, type CapacityShape, type Market, type NodeRole } from "../../contracts/emr";
import { splitCoreTask, taskGroupExists } from "../../environments/capacity-rules";
import type { EnvironmentConfig } from "../../environments/schema";
import type { ClusterSpec } from "./cluster-spec";

/** What scaling limits count: instances (groups) or weighted units (fleets). */
export type CapacityUnit = "instances" | "units";
export type ScalingMode = "none" | "custom" | "managed";

/** Our word for a ComputeLimits.UnitType (undefined for one we do not use, e.g. VCPU). */
export function capacityUnitOf(unitType: string | undefined): CapacityUnit | undefined {
  if (unitType === MANAGED_UNIT_TYPE.groups) return "instances";
  if (unitType === MANAGED_UNIT_TYPE.fleets) return "units";
  return undefined;
}

export type ScalingRange =
  | { readonly kind: "none" }
  | { readonly kind: "custom"; readonly group: "task"; readonly min: number; readonly max: number }
  | {
      readonly kind: "managed";
      readonly unit: CapacityUnit;
      readonly min: number;
      readonly max: number;
      readonly maxOnDemand?: number;
      readonly maxCore?: number;
    };

/** One role of a groups-shaped cluster at one capacity point. */
export interface GroupCapacity {
  readonly role: NodeRole;
  readonly instanceType: string;
  readonly market: Market;
  readonly count: number;
}

export interface FleetTypeOption {
  readonly instanceType: string;
  readonly weightedCapacity: number;
  /** Spot price cap, % of this type's on-demand price (EMR's default: 100). */
  readonly bidPriceAsPercentageOfOnDemandPrice?: number;
}

/** One role of a fleets-shaped cluster at one capacity point: the units EMR must provision from `types`. */
export interface FleetCapacity {
  readonly role: NodeRole;
  readonly types: readonly FleetTypeOption[];
  readonly onDemandUnits: number;
  readonly spotUnits: number;
}

export type CapacityPoint = { readonly shape: "groups"; readonly groups: readonly GroupCapacity[] } | { readonly shape: "fleets"; readonly fleets: readonly FleetCapacity[] };

/** The part of the config the model reads. */
export type CapacityConfig = Pick<EnvironmentConfig, "instances" | "fleets" | "scaling">;

export function capacityShape(config: Pick<EnvironmentConfig, "fleets">): CapacityShape {
  return config.fleets ? "fleets" : "groups";
}

export function scalingRange(config: CapacityConfig): ScalingRange {
  const { autoscaling, managed } = config.scaling;
  if (autoscaling) return { kind: "custom", group: "task", min: autoscaling.minCapacity, max: autoscaling.maxCapacity };
  if (managed) {
    return {
      kind: "managed",
      unit: capacityShape(config) === "fleets" ? "units" : "instances",
      min: managed.minCapacity,
      max: managed.maxCapacity,
      ...(managed.maxOnDemandCapacity !== undefined ? { maxOnDemand: managed.maxOnDemandCapacity } : {}),
      ...(managed.maxCoreCapacity !== undefined ? { maxCore: managed.maxCoreCapacity } : {}),
    };
  }
  return { kind: "none" };
}

/**
 * Whether the cluster has task nodes: a task fleet is configured; or a task group has instances, custom rules drive
 * it, or managed scaling's limits leave room beyond core (managed scaling only resizes groups that exist). `taskCount`:
 * a pipeline's override of the group's count.
 */
export function hasTaskNodes(config: CapacityConfig, taskCount = config.instances.task.count): boolean {
  if (config.fleets) return config.fleets.task !== undefined;
  return taskGroupExists({ count: taskCount, customScaling: config.scaling.autoscaling !== undefined, managed: config.scaling.managed });
}

function groupsAt(config: CapacityConfig, end: "min" | "max"): GroupCapacity[] {
  const { master, core, task } = config.instances;
  const range = scalingRange(config);
  let counts: Record<NodeRole, number>;
  if (range.kind === "none") counts = { master: master.count, core: core.count, task: task.count };
  else if (range.kind === "custom") counts = { master: master.count, core: core.count, task: range[end] };
  else {
    // An on-demand core group stops at maxOnDemandCapacity; the rest goes to task nodes.
    const onDemandCap = core.market === "ON_DEMAND" && range.maxOnDemand !== undefined ? range.maxOnDemand : Infinity;
    counts = { master: master.count, ...splitCoreTask(range[end], range.maxCore, onDemandCap) };
  }
  return NODE_ROLES.map((role) => ({ role, instanceType: config.instances[role].instanceType, market: config.instances[role].market, count: counts[role] }));
}

function fleetsAt(fleets: NonNullable<EnvironmentConfig["fleets"]>, range: ScalingRange, end: "min" | "max"): FleetCapacity[] {
  const options = (role: NodeRole): FleetTypeOption[] =>
    (fleets[role]?.instanceTypes ?? []).map((t) => ({
      instanceType: t.instanceType,
      weightedCapacity: t.weightedCapacity,
      ...(t.bidPriceAsPercentageOfOnDemandPrice !== undefined ? { bidPriceAsPercentageOfOnDemandPrice: t.bidPriceAsPercentageOfOnDemandPrice } : {}),
    }));
  const targets = (role: NodeRole) => ({ onDemandUnits: fleets[role]?.targetOnDemandCapacity ?? 0, spotUnits: fleets[role]?.targetSpotCapacity ?? 0 });
  const present = NODE_ROLES.filter((role) => fleets[role] !== undefined);
  if (range.kind !== "managed") return present.map((role) => ({ role, types: options(role), ...targets(role) }));
  const { core, task } = splitCoreTask(range[end], range.maxCore, fleets.task ? Infinity : range[end]);
  let onDemandLeft = range.maxOnDemand ?? Infinity;
  const units = (amount: number) => {
    const onDemandUnits = Math.min(amount, onDemandLeft);
    onDemandLeft -= onDemandUnits;
    return { onDemandUnits, spotUnits: amount - onDemandUnits };
  };
  const scaled: Record<NodeRole, { onDemandUnits: number; spotUnits: number }> = { master: targets("master"), core: units(core), task: units(task) };
  return present.map((role) => ({ role, types: options(role), ...scaled[role] }));
}

/** What the environment runs at the bottom (`min`) or top (`max`) of its scaling range. */
export function capacityAt(config: CapacityConfig, end: "min" | "max"): CapacityPoint {
  return config.fleets ? { shape: "fleets", fleets: fleetCapacityAt(config, end) } : { shape: "groups", groups: groupCapacityAt(config, end) };
}

/** The instance groups at one end of the range; [] for a fleets environment. */
export function groupCapacityAt(config: CapacityConfig, end: "min" | "max"): GroupCapacity[] {
  return config.fleets ? [] : groupsAt(config, end);
}

/** The fleets at one end of the range; [] for a groups environment. */
export function fleetCapacityAt(config: CapacityConfig, end: "min" | "max"): FleetCapacity[] {
  return config.fleets ? fleetsAt(config.fleets, scalingRange(config), end) : [];
}

/** What one rendered cluster definition runs (a transient pipeline cluster: its own counts or targets, no scaling). */
export function capacityOfSpec(spec: ClusterSpec): CapacityPoint {
  const role = (emr: string) => emr.toLowerCase() as NodeRole;
  if (spec.instanceCollection === "groups") {
    const groups = [spec.master, spec.core, ...(spec.task ? [spec.task] : [])];
    return { shape: "groups", groups: groups.map((g) => ({ role: role(g.role), instanceType: g.instanceType, market: g.market, count: g.count })) };
  }
  const fleets = [spec.fleets.master, spec.fleets.core, ...(spec.fleets.task ? [spec.fleets.task] : [])];
  return {
    shape: "fleets",
    fleets: fleets.map((f) => ({
      role: role(f.role),
      types: f.instanceTypes.map((t) => ({
        instanceType: t.instanceType,
        weightedCapacity: t.weightedCapacity,
        ...(t.bidPriceAsPercentageOfOnDemandPrice !== undefined ? { bidPriceAsPercentageOfOnDemandPrice: t.bidPriceAsPercentageOfOnDemandPrice } : {}),
      })),
      onDemandUnits: f.targetOnDemandCapacity,
      spotUnits: f.targetSpotCapacity,
    })),
  };
}
