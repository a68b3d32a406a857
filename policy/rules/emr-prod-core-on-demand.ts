import { defineRule, fromProblems, NOT_APPLICABLE } from "../rule";
import { blocks } from "../stack-json";
import { computeLimitsOf, environmentOf, num } from "./emr-fleet-shapes";

/**
 * HDFS lives on core nodes, so prod's core must be on-demand: a spot interruption there loses blocks and can fail the
 * cluster. A core instance group must not bid (a bid_price makes it spot); a core fleet must target no spot units, and
 * managed scaling must not be able to add spot core units (maximum_core_capacity_units above
 * maximum_ondemand_capacity_units lets it: on-demand units go to core first, the rest are spot).
 */
export const emrProdCoreOnDemand = defineRule({
  id: "emr-prod-core-on-demand",
  description: "prod's EMR core nodes are on-demand (no spot core units, none addable by managed scaling)",
  appliesTo: ["aws_emr_cluster"],
  check: (cluster, stack) => {
    if (environmentOf(cluster, stack) !== "prod") return NOT_APPLICABLE;
    const group = blocks(cluster.config.core_instance_group)[0];
    const fleet = blocks(cluster.config.core_instance_fleet)[0];
    const problems: string[] = [];
    if (group?.bid_price !== undefined) problems.push("core_instance_group bids for spot; fix: remove bid_price (on-demand core)");
    if (fleet && num(fleet.target_spot_capacity) > 0) problems.push(`core_instance_fleet targets ${num(fleet.target_spot_capacity)} spot units; fix: target_spot_capacity = 0`);
    const limits = computeLimitsOf(cluster, stack);
    if (fleet && limits && limits.maximum_ondemand_capacity_units !== undefined) {
      const maxCore = limits.maximum_core_capacity_units ?? limits.maximum_capacity_units;
      if (num(maxCore) > num(limits.maximum_ondemand_capacity_units)) {
        problems.push(`managed scaling may add spot core units (maximum_core_capacity_units ${num(maxCore)} > maximum_ondemand_capacity_units ${num(limits.maximum_ondemand_capacity_units)}); fix: cap core at the on-demand limit`);
      }
    }
    return fromProblems(problems);
  },
});
