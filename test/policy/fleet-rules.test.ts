/** The guard's fleet rules (issue 10): prod's core stays on-demand, and a fleet that may run spot sets spot timeouts. */
import { EmrInstanceFleet } from "@cdktf/provider-aws/lib/emr-instance-fleet";
import { EmrManagedScalingPolicy } from "@cdktf/provider-aws/lib/emr-managed-scaling-policy";
import type { EmrClusterCoreInstanceFleet } from "@cdktf/provider-aws/lib/emr-cluster";
import { emrFleetSpotTimeouts } from "../../policy/rules/emr-fleet-spot-timeouts";
import { emrProdCoreOnDemand } from "../../policy/rules/emr-prod-core-on-demand";
import { checkRule, emrCluster, newStack, synthWithGuard } from "./fixtures";

const compliant = { status: "compliant" };
const notApplicable = { status: "not-applicable" };
const nonCompliant = (reason: RegExp) => ({ status: "non-compliant", reason: expect.stringMatching(reason) });

const TYPES = [{ instanceType: "r6i.2xlarge", weightedCapacity: 1 }];
const SPOT_SPEC = { spotSpecification: [{ allocationStrategy: "price-capacity-optimized", timeoutAction: "SWITCH_TO_ON_DEMAND", timeoutDurationMinutes: 10 }] };

function fleetCluster(id: string, core: EmrClusterCoreInstanceFleet, environment = "prod") {
  const stack = newStack();
  const cluster = emrCluster(stack, id, { tags: { Environment: environment } });
  cluster.putMasterInstanceFleet({ targetOnDemandCapacity: 1, instanceTypeConfigs: [{ instanceType: "m6i.2xlarge" }] });
  cluster.putCoreInstanceFleet(core);
  return { stack, cluster };
}

describe("emr-prod-core-on-demand", () => {
  it("passes prod's on-demand core fleet; flags spot core units", () => {
    const good = fleetCluster("good", { targetOnDemandCapacity: 4, instanceTypeConfigs: TYPES });
    expect(checkRule(emrProdCoreOnDemand, good.stack, "aws_emr_cluster.good")).toEqual(compliant);
    const bad = fleetCluster("bad", { targetOnDemandCapacity: 2, targetSpotCapacity: 2, instanceTypeConfigs: TYPES, launchSpecifications: SPOT_SPEC });
    expect(checkRule(emrProdCoreOnDemand, bad.stack, "aws_emr_cluster.bad")).toEqual(nonCompliant(/core_instance_fleet targets 2 spot units; fix: target_spot_capacity = 0/));
    expect(() => synthWithGuard(bad.stack)).toThrow(/emr-prod-core-on-demand/);
  });

  it("flags managed scaling that may add spot core units beyond the on-demand limit", () => {
    const { stack, cluster } = fleetCluster("scaled", { targetOnDemandCapacity: 4, instanceTypeConfigs: TYPES });
    new EmrManagedScalingPolicy(stack, "scaling", {
      clusterId: cluster.id,
      computeLimits: [{ unitType: "InstanceFleetUnits", minimumCapacityUnits: 4, maximumCapacityUnits: 20, maximumOndemandCapacityUnits: 4, maximumCoreCapacityUnits: 8 }],
    });
    expect(checkRule(emrProdCoreOnDemand, stack, "aws_emr_cluster.scaled")).toEqual(nonCompliant(/maximum_core_capacity_units 8 > maximum_ondemand_capacity_units 4/));
  });

  it("flags a bidding core group in prod; does not apply outside prod", () => {
    const stack = newStack();
    const group = emrCluster(stack, "groups", { tags: { Environment: "prod" } });
    group.putCoreInstanceGroup({ instanceType: "r6i.2xlarge", instanceCount: 2, bidPrice: "0.564" });
    expect(checkRule(emrProdCoreOnDemand, stack, "aws_emr_cluster.groups")).toEqual(nonCompliant(/core_instance_group bids for spot/));
    const dev = fleetCluster("dev", { targetSpotCapacity: 2, instanceTypeConfigs: TYPES, launchSpecifications: SPOT_SPEC }, "dev");
    expect(checkRule(emrProdCoreOnDemand, dev.stack, "aws_emr_cluster.dev")).toEqual(notApplicable);
  });
});

describe("emr-fleet-spot-timeouts", () => {
  it("flags a spot fleet without a spot specification; passes one with its timeout", () => {
    const bad = fleetCluster("bad", { targetSpotCapacity: 2, instanceTypeConfigs: TYPES }, "dev");
    expect(checkRule(emrFleetSpotTimeouts, bad.stack, "aws_emr_cluster.bad")).toEqual(nonCompliant(/core_instance_fleet may run spot instances without a spot timeout; fix:/));
    expect(() => synthWithGuard(bad.stack)).toThrow(/emr-fleet-spot-timeouts/);
    const good = fleetCluster("good", { targetSpotCapacity: 2, instanceTypeConfigs: TYPES, launchSpecifications: SPOT_SPEC }, "dev");
    expect(checkRule(emrFleetSpotTimeouts, good.stack, "aws_emr_cluster.good")).toEqual(compliant);
  });

  it("a task fleet that managed scaling may fill with spot needs the timeout even with no spot target", () => {
    const { stack, cluster } = fleetCluster("c", { targetOnDemandCapacity: 4, instanceTypeConfigs: TYPES });
    new EmrInstanceFleet(stack, "task", { clusterId: cluster.id, name: "task", targetOnDemandCapacity: 1, instanceTypeConfigs: TYPES });
    new EmrManagedScalingPolicy(stack, "scaling", {
      clusterId: cluster.id,
      computeLimits: [{ unitType: "InstanceFleetUnits", minimumCapacityUnits: 4, maximumCapacityUnits: 20, maximumOndemandCapacityUnits: 5, maximumCoreCapacityUnits: 4 }],
    });
    expect(checkRule(emrFleetSpotTimeouts, stack, "aws_emr_instance_fleet.task")).toEqual(nonCompliant(/the task fleet may run spot instances without a spot timeout/));
  });

  it("an on-demand fleet, or a cluster of instance groups, needs none", () => {
    const onDemand = fleetCluster("od", { targetOnDemandCapacity: 4, instanceTypeConfigs: TYPES });
    expect(checkRule(emrFleetSpotTimeouts, onDemand.stack, "aws_emr_cluster.od")).toEqual(compliant);
    const stack = newStack();
    emrCluster(stack, "groups");
    expect(checkRule(emrFleetSpotTimeouts, stack, "aws_emr_cluster.groups")).toEqual(notApplicable);
  });
});
