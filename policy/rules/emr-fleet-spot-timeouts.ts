import { defineRule, fromProblems, NOT_APPLICABLE } from "../rule";
import { blocks, type ResolvedResource, type StackIndex } from "../stack-json";
import { clusterOfFleet, computeLimitsOf, num } from "./emr-fleet-shapes";

/**
 * A fleet that may run spot instances states what EMR does when spot capacity is not there: a spot_specification with
 * timeout_action and timeout_duration_minutes (EMR API, SpotProvisioningSpecification). A fleet may run spot when it
 * targets spot units, or, for the task fleet, when managed scaling's on-demand limit is below its maximum (units beyond
 * maximum_ondemand_capacity_units are spot).
 */
function fleetProblems(name: string, fleet: Record<string, unknown>, scaledToSpot: boolean): string[] {
  if (num(fleet.target_spot_capacity) === 0 && !scaledToSpot) return [];
  const spot = blocks(blocks(fleet.launch_specifications)[0]?.spot_specification)[0];
  if (spot && typeof spot.timeout_action === "string" && num(spot.timeout_duration_minutes) >= 5) return [];
  return [`${name} may run spot instances without a spot timeout; fix: launch_specifications.spot_specification with timeout_action and timeout_duration_minutes (5–1440)`];
}

/** Whether managed scaling on `cluster` can add spot units beyond its on-demand limit. */
function scalesToSpot(cluster: ResolvedResource | undefined, stack: StackIndex): boolean {
  const limits = cluster ? computeLimitsOf(cluster, stack) : undefined;
  if (!limits || limits.maximum_ondemand_capacity_units === undefined) return false;
  return num(limits.maximum_ondemand_capacity_units) < num(limits.maximum_capacity_units);
}

export const emrFleetSpotTimeouts = defineRule({
  id: "emr-fleet-spot-timeouts",
  description: "EMR instance fleets that may run spot set a spot provisioning timeout and its action",
  appliesTo: ["aws_emr_cluster", "aws_emr_instance_fleet"],
  check: (resource, stack) => {
    if (resource.type === "aws_emr_instance_fleet") {
      return fromProblems(fleetProblems("the task fleet", resource.config, scalesToSpot(clusterOfFleet(resource, stack), stack)));
    }
    const fleets = (["master", "core"] as const).flatMap((role) => blocks(resource.config[`${role}_instance_fleet`]).map((f) => [role, f] as const));
    if (fleets.length === 0) return NOT_APPLICABLE; // instance groups
    return fromProblems(fleets.flatMap(([role, fleet]) => fleetProblems(`${role}_instance_fleet`, fleet, false)));
  },
});
