import { environmentInput, loadEnvironment, parseEnvironment, type EnvironmentInput } from "../../environments";
import { buildClusterSpec, type ClusterReferences } from "../../modules/emr-cluster/cluster-spec";
import { capacityAt, capacityOfSpec, fleetCapacityAt, groupCapacityAt, hasTaskNodes, scalingRange } from "../../modules/emr-cluster/capacity-model";
import { prodOnGroups } from "../support/prod-on-groups";

const variant = (change: (input: EnvironmentInput) => void) => {
  const input = environmentInput("dev");
  change(input);
  return parseEnvironment(input);
};
const counts = (groups: ReturnType<typeof groupCapacityAt>) => Object.fromEntries(groups.map((g) => [g.role, g.count]));

describe("scalingRange", () => {
  it("reads custom autoscaling, managed scaling and none from the config", () => {
    expect(scalingRange(loadEnvironment("dev"))).toEqual({ kind: "custom", group: "task", min: 0, max: 4 });
    expect(scalingRange(prodOnGroups())).toEqual({ kind: "managed", unit: "instances", min: 4, max: 20, maxOnDemand: 4, maxCore: 4 });
    expect(scalingRange(loadEnvironment("prod"))).toEqual({ kind: "managed", unit: "units", min: 4, max: 20, maxOnDemand: 4, maxCore: 4 });
    expect(scalingRange(loadEnvironment("local"))).toEqual({ kind: "none" });
  });
});

describe("groupCapacityAt", () => {
  it("keeps the configured counts without scaling", () => {
    const config = variant((i) => {
      i.scaling = {};
      i.instances!.task = { instanceType: "m6i.xlarge", count: 2, market: "SPOT" };
    });
    expect(counts(groupCapacityAt(config, "min"))).toEqual({ master: 1, core: 2, task: 2 });
    expect(groupCapacityAt(config, "max")).toEqual(groupCapacityAt(config, "min"));
  });

  it("moves only the task group across a custom autoscaling range", () => {
    const dev = loadEnvironment("dev");
    expect(counts(groupCapacityAt(dev, "min"))).toEqual({ master: 1, core: 2, task: 0 });
    expect(counts(groupCapacityAt(dev, "max"))).toEqual({ master: 1, core: 2, task: 4 });
    expect(groupCapacityAt(dev, "max").map((g) => g.market)).toEqual(["ON_DEMAND", "ON_DEMAND", "SPOT"]);
  });

  it("fills core first up to its caps under managed scaling, the rest are task nodes", () => {
    const prod = prodOnGroups();
    expect(counts(groupCapacityAt(prod, "min"))).toEqual({ master: 1, core: 4, task: 0 });
    expect(counts(groupCapacityAt(prod, "max"))).toEqual({ master: 1, core: 4, task: 16 });
  });

  it("caps an on-demand core group at maxOnDemandCapacity, and keeps one core node", () => {
    const capped = variant((i) => (i.scaling = { managed: { minCapacity: 6, maxCapacity: 10, maxOnDemandCapacity: 2 } }));
    expect(counts(groupCapacityAt(capped, "min"))).toEqual({ master: 1, core: 2, task: 4 });
    const zeroOnDemand = variant((i) => (i.scaling = { managed: { minCapacity: 2, maxCapacity: 3, maxOnDemandCapacity: 0 } }));
    expect(counts(groupCapacityAt(zeroOnDemand, "min"))).toEqual({ master: 1, core: 1, task: 1 });
  });

  it("does not apply the on-demand cap to a spot core group", () => {
    const spotCore = variant((i) => {
      i.instances!.core = { instanceType: "m6i.xlarge", count: 2, market: "SPOT" };
      i.scaling = { managed: { minCapacity: 5, maxCapacity: 8, maxOnDemandCapacity: 1 } };
    });
    expect(counts(groupCapacityAt(spotCore, "max"))).toEqual({ master: 1, core: 8, task: 0 });
  });
});

describe("fleets", () => {
  const prod = loadEnvironment("prod");
  const units = (end: "min" | "max") => Object.fromEntries(fleetCapacityAt(prod, end).map((f) => [f.role, [f.onDemandUnits, f.spotUnits]]));

  it("a fleets environment has no groups, and a groups environment no fleets", () => {
    expect(groupCapacityAt(prod, "min")).toEqual([]);
    expect(fleetCapacityAt(loadEnvironment("dev"), "min")).toEqual([]);
    expect(capacityAt(prod, "min").shape).toBe("fleets");
    expect(capacityAt(loadEnvironment("dev"), "min").shape).toBe("groups");
  });

  it("managed scaling in units: core first up to maxCoreCapacity, on-demand first up to maxOnDemandCapacity, the rest spot", () => {
    // [on-demand, spot] units per fleet; the master fleet is outside the limits.
    expect(units("min")).toEqual({ master: [1, 0], core: [4, 0], task: [0, 0] });
    expect(units("max")).toEqual({ master: [1, 0], core: [4, 0], task: [0, 16] });
  });

  it("a spare on-demand allowance goes to task units before spot", () => {
    const input = environmentInput("prod");
    input.scaling = { managed: { minCapacity: 4, maxCapacity: 10, maxOnDemandCapacity: 6, maxCoreCapacity: 4 } };
    const config = parseEnvironment(input);
    expect(fleetCapacityAt(config, "max").find((f) => f.role === "task")).toMatchObject({ onDemandUnits: 2, spotUnits: 4 });
  });

  it("without scaling a fleet runs its targets, with its weighted types", () => {
    const input = environmentInput("prod");
    input.scaling = {};
    const config = parseEnvironment(input);
    const task = fleetCapacityAt(config, "max").find((f) => f.role === "task");
    expect(task).toMatchObject({ onDemandUnits: 0, spotUnits: 2 });
    expect(task?.types.filter((t) => t.weightedCapacity === 2).map((t) => t.instanceType)).toEqual(["r6i.4xlarge", "r5.4xlarge"]);
    expect(fleetCapacityAt(config, "min")).toEqual(fleetCapacityAt(config, "max"));
  });

  it("task nodes exist for a task fleet, or for groups with a count, rules or managed room beyond core", () => {
    expect(hasTaskNodes(prod)).toBe(true);
    const noTask = environmentInput("prod");
    delete noTask.fleets!.task;
    noTask.scaling = { managed: { minCapacity: 4, maxCapacity: 4, maxOnDemandCapacity: 4, maxCoreCapacity: 4 } };
    expect(hasTaskNodes(parseEnvironment(noTask))).toBe(false);
    expect(hasTaskNodes(loadEnvironment("dev"))).toBe(true);
    expect(hasTaskNodes(loadEnvironment("local"))).toBe(false);
  });
});

describe("the cluster definition reads the model", () => {
  const refs: ClusterReferences = {
    name: "c", subnetId: "subnet-a", subnetIds: ["subnet-a", "subnet-b"], serviceRoleArn: "s", instanceProfileArn: "p", instanceProfileName: "p",
    autoscalingRoleArn: "arn:aws:iam::123456789012:role/autoscaling", securityConfigurationName: "sc", masterSecurityGroupId: "m",
    coreSecurityGroupId: "c", serviceAccessSecurityGroupId: "sa", logsBucketName: "logs", bootstrapUri: "s3://a/b.sh",
  };

  it("fleets: every subnet, units as the managed-scaling unit type, no autoscaling role even when one is referenced", () => {
    const spec = buildClusterSpec(loadEnvironment("prod"), refs);
    expect(spec.instanceCollection).toBe("fleets");
    if (spec.instanceCollection !== "fleets") return;
    expect(spec.subnetIds).toEqual(["subnet-a", "subnet-b"]);
    expect(spec.managedScaling?.unitType).toBe("InstanceFleetUnits");
    expect(spec.autoscalingRoleArn).toBeUndefined();
    expect(capacityOfSpec(spec)).toEqual({ shape: "fleets", fleets: fleetCapacityAt(parseEnvironment({ ...environmentInput("prod"), scaling: {} }), "min") });
  });

  it("fleets: a pipeline's coreCount and taskCount are target units, on-demand kept up to them, the rest spot", () => {
    const spec = buildClusterSpec(loadEnvironment("prod"), refs, { coreCount: 6, taskCount: 3 });
    if (spec.instanceCollection !== "fleets") throw new Error("expected fleets");
    expect([spec.fleets.core.targetOnDemandCapacity, spec.fleets.core.targetSpotCapacity]).toEqual([4, 2]);
    expect([spec.fleets.task?.targetOnDemandCapacity, spec.fleets.task?.targetSpotCapacity]).toEqual([0, 3]);
    const smaller = buildClusterSpec(loadEnvironment("prod"), refs, { coreCount: 2 });
    if (smaller.instanceCollection !== "fleets") throw new Error("expected fleets");
    expect([smaller.fleets.core.targetOnDemandCapacity, smaller.fleets.core.targetSpotCapacity]).toEqual([2, 0]);
  });

  it("groups: one subnet and Instances", () => {
    const spec = buildClusterSpec(prodOnGroups(), refs);
    expect(spec.instanceCollection).toBe("groups");
    if (spec.instanceCollection !== "groups") return;
    expect(spec.subnetId).toBe("subnet-a");
    expect(spec.managedScaling?.unitType).toBe("Instances");
  });
});
