/**
 * EMR's capacity rules, stated once as pure functions over plain numbers: the config checks (checks.ts) and the
 * capacity model (modules/emr-cluster/capacity-model.ts) both call these, so a rule cannot be encoded twice and drift.
 * Source: EMR Management Guide, "Managed scaling: node allocation strategy" (core first, on-demand first).
 */

import type { Market } from "../contracts/emr";

/**
 * Whether an instance-groups cluster has a task group: it has instances, custom autoscaling rules drive it, or managed
 * scaling's limits leave room beyond the core group (managed scaling only resizes groups that exist).
 */
export function taskGroupExists(task: { count: number; customScaling: boolean; managed?: { maxCapacity: number; maxCoreCapacity?: number } }): boolean {
  const managedNeedsTasks = task.managed !== undefined && task.managed.maxCapacity > (task.managed.maxCoreCapacity ?? task.managed.maxCapacity);
  return task.count > 0 || task.customScaling || managedNeedsTasks;
}

/** Core and task amounts for `units` of managed capacity: core first, up to maxCore and `coreCap`, at least one core node. */
export function splitCoreTask(units: number, maxCore: number | undefined, coreCap = Infinity): { core: number; task: number } {
  let core = Math.min(units, maxCore ?? units, coreCap);
  core = Math.max(core, Math.min(1, units));
  return { core, task: units - core };
}

/**
 * The most core + task instances EMR managed scaling can reach (unit type Instances; the master is outside the
 * limits): core grows up to maxCoreCapacity and, when on-demand, up to maxOnDemandCapacity; task nodes take the rest,
 * on-demand ones only within what maxOnDemandCapacity leaves.
 */
export function managedScalingCeiling(
  managed: { maxOnDemandCapacity?: number; maxCoreCapacity?: number },
  core: { market: Market },
  task: { market: Market },
): number {
  const onDemand = managed.maxOnDemandCapacity ?? Infinity;
  const coreCeiling = Math.min(managed.maxCoreCapacity ?? Infinity, core.market === "ON_DEMAND" ? onDemand : Infinity);
  const taskCeiling = task.market === "SPOT" ? Infinity : Math.max(0, onDemand - (core.market === "ON_DEMAND" ? coreCeiling : 0));
  return coreCeiling + taskCeiling;
}
