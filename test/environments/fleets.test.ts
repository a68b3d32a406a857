/** Instance fleets in the config: the shape the schema accepts, and each refusal the issue names, in one line each. */
import { ConfigError, environmentInput, parseEnvironment, type EnvironmentInput } from "../../environments";

type FleetsInput = NonNullable<EnvironmentInput["fleets"]>;

/** A prod-like fleet shape: on-demand master and core, a diversified spot task fleet. */
function fleets(): FleetsInput {
  return {
    master: { targetOnDemandCapacity: 1, instanceTypes: [{ instanceType: "m6i.2xlarge" }, { instanceType: "m5.2xlarge" }] },
    core: { targetOnDemandCapacity: 4, instanceTypes: [{ instanceType: "r6i.2xlarge" }, { instanceType: "r5.2xlarge" }] },
    task: {
      targetSpotCapacity: 2,
      instanceTypes: ["r6i.2xlarge", "r5.2xlarge", "m6i.4xlarge", "m5.4xlarge"].map((instanceType) => ({ instanceType })),
      spot: { timeoutAction: "SWITCH_TO_ON_DEMAND", timeoutMinutes: 10 },
    },
  };
}

/** dev with fleets instead of groups, and managed scaling (dev's custom rules do not apply to fleets). */
function devFleets(change: (f: FleetsInput) => void = () => {}): EnvironmentInput {
  const input = environmentInput("dev");
  delete input.instances;
  const f = fleets();
  change(f);
  return { ...input, fleets: f, scaling: { managed: { minCapacity: 4, maxCapacity: 20, maxOnDemandCapacity: 4, maxCoreCapacity: 4 } } };
}

function problems(input: unknown): string[] {
  try {
    parseEnvironment(input, "test");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error("expected the config to be refused");
}

/** The single problem about `path`; fails when there is none or more than one. */
function refusal(input: unknown, path: string): string {
  const found = problems(input).filter((p) => p.startsWith(`${path} = `));
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(/; fix: /);
  return found[0];
}

describe("fleets: accepted shapes", () => {
  test("a fleet config parses with the documented defaults", () => {
    const config = parseEnvironment(devFleets(), "test");
    expect(config.fleets?.task?.spot).toEqual({ allocationStrategy: "price-capacity-optimized", timeoutAction: "SWITCH_TO_ON_DEMAND", timeoutMinutes: 10 });
    expect(config.fleets?.core.instanceTypes[0]).toEqual({ instanceType: "r6i.2xlarge", weightedCapacity: 1, ebs: { sizeGb: 64, volumesPerInstance: 1, iops: 3000 } });
    expect(config.fleets?.master.targetSpotCapacity).toBe(0);
  });

  test("fleet EBS has no throughput: the provider's fleet ebs_config cannot set it", () => {
    expect(
      problems(devFleets((f) => (f.core.instanceTypes[0] = { instanceType: "r6i.2xlarge", ebs: { throughputMiBps: 250 } as never }))).join("\n"),
    ).toMatch(/fleets\.core\.instanceTypes\.0\.ebs = .*throughputMiBps/);
  });
});

describe("fleets: refusals, each naming the field and the fix", () => {
  test("custom autoscaling rules with fleets", () => {
    const input = { ...devFleets(), scaling: { autoscaling: { minCapacity: 0, maxCapacity: 4 } } };
    expect(refusal(input, "scaling.autoscaling")).toMatch(/only managed scaling works with fleets, in InstanceFleetUnits\); fix: replace scaling\.autoscaling with scaling\.managed/);
  });

  const SIX = ["r6i.2xlarge", "r5.2xlarge", "m6i.4xlarge", "m5.4xlarge", "r6i.4xlarge", "r5.4xlarge"].map((instanceType) => ({ instanceType }));

  test("more than 5 instance types without a spot allocation strategy", () => {
    const input = devFleets((f) => {
      f.task!.instanceTypes = SIX;
      delete f.task!.spot;
    });
    const found = problems(input).filter((p) => p.startsWith("fleets.task.spot = "));
    expect(found.some((p) => /fleets\.task lists 6 instance types, which EMR accepts only when every fleet of the cluster sets an allocation strategy.*; fix: spot: \{ allocationStrategy/.test(p))).toBe(true);
  });

  test("more than 5 types in one fleet needs a strategy in every fleet, for each market it uses (the master and core fleets too)", () => {
    const input = devFleets((f) => (f.task!.instanceTypes = SIX));
    const found = problems(input).filter((p) => /lists 6 instance types/.test(p));
    // task: on-demand units under managed scaling; master: its one on-demand node; core: on-demand target.
    expect(found.map((p) => p.split(" = ")[0]).sort()).toEqual(["fleets.core.onDemand", "fleets.master.onDemand", "fleets.task.onDemand"]);
    expect(refusal(input, "fleets.master.onDemand")).toMatch(/fleets\.task lists 6 instance types.*; fix: onDemand: \{ allocationStrategy: "lowest-price" \}, or at most 5 types in every fleet/);
    const fixed = devFleets((f) => {
      f.task!.instanceTypes = SIX;
      for (const fleet of [f.master, f.core, f.task!]) fleet.onDemand = { allocationStrategy: "lowest-price" };
    });
    expect(parseEnvironment(fixed, "test").fleets?.task?.instanceTypes).toHaveLength(6);
    // Five types need no strategy anywhere.
    expect(() => parseEnvironment(devFleets((f) => (f.task!.instanceTypes = SIX.slice(0, 5))), "test")).not.toThrow();
  });

  test("a type listed twice in one fleet", () => {
    const input = devFleets((f) => (f.task!.instanceTypes[3] = { instanceType: "r6i.2xlarge" }));
    expect(refusal(input, "fleets.task.instanceTypes.3.instanceType")).toBe('fleets.task.instanceTypes.3.instanceType = "r6i.2xlarge": is listed twice in this fleet; fix: list each type once');
    // The same type in two fleets is fine.
    expect(() => parseEnvironment(devFleets((f) => (f.task!.instanceTypes[3] = { instanceType: "m5.2xlarge" })), "test")).not.toThrow();
  });

  test("a weighted capacity of 0", () => {
    const input = devFleets((f) => (f.task!.instanceTypes[1] = { instanceType: "r5.2xlarge", weightedCapacity: 0 }));
    expect(refusal(input, "fleets.task.instanceTypes.1.weightedCapacity")).toMatch(/= 0: a weighted capacity of 0 provides no units.*fix: 1 or more/);
  });

  test("target capacities above what managed scaling's maxCapacity can keep", () => {
    const input = devFleets((f) => (f.task!.targetSpotCapacity = 30));
    expect(refusal(input, "scaling.managed.maxCapacity")).toMatch(/20 is below the core \+ task fleets' targets \(34 units\).*fix: raise maxCapacity to at least 34/);
  });

  test("target capacities below managed scaling's minCapacity", () => {
    const input = { ...devFleets(), scaling: { managed: { minCapacity: 8, maxCapacity: 20, maxOnDemandCapacity: 4, maxCoreCapacity: 4 } } };
    expect(refusal(input, "scaling.managed.minCapacity")).toMatch(/8 is above the core \+ task fleets' targets \(6 units\); fix: lower minCapacity to at most 6/);
  });

  test("a core target above maxCoreCapacity, and on-demand targets above maxOnDemandCapacity", () => {
    const input = devFleets((f) => (f.core.targetOnDemandCapacity = 6));
    expect(refusal(input, "fleets.core.targetOnDemandCapacity")).toMatch(/targets 6 units, above scaling\.managed\.maxCoreCapacity 4; fix:/);
    expect(refusal(input, "scaling.managed.maxOnDemandCapacity")).toMatch(/4 is below the fleets' on-demand targets \(6 units\); fix: raise it to at least 6/);
  });

  test("a maxCapacity beyond maxCoreCapacity with no task fleet to grow into", () => {
    const input = devFleets((f) => delete f.task);
    expect(refusal(input, "fleets.task")).toMatch(/maxCapacity 20 exceeds maxCoreCapacity 4 but there is no task fleet to grow into; fix: add fleets\.task, or lower maxCapacity to 4/);
  });

  test("a master fleet of more than one unit", () => {
    const input = devFleets((f) => (f.master.targetSpotCapacity = 1));
    expect(refusal(input, "fleets.master.targetOnDemandCapacity")).toMatch(/targets 2 units; EMR runs exactly one master node; fix:/);
  });

  test("a master instance type weighing more than one unit", () => {
    const input = devFleets((f) => (f.master.instanceTypes[1] = { instanceType: "m5.2xlarge", weightedCapacity: 2 }));
    expect(refusal(input, "fleets.master.instanceTypes.1.weightedCapacity")).toMatch(/a master instance type counts as 1 unit.*not 2; fix: weightedCapacity: 1/);
  });

  test("a fleet with no units", () => {
    const input = devFleets((f) => (f.task!.targetSpotCapacity = 0));
    expect(refusal(input, "fleets.task.targetSpotCapacity")).toMatch(/targets no units/);
  });

  test("a fleet that may hold spot units without a spot timeout", () => {
    const input = devFleets((f) => delete f.task!.spot);
    expect(refusal(input, "fleets.task.spot")).toMatch(/may run spot instances but sets no spot timeout; fix: spot: \{ timeoutAction/);
  });

  test("a spot timeout outside EMR's 5–1440 minutes", () => {
    const input = devFleets((f) => (f.task!.spot = { timeoutAction: "TERMINATE_CLUSTER", timeoutMinutes: 2 }));
    expect(problems(input).join("\n")).toMatch(/fleets\.task\.spot\.timeoutMinutes = 2/);
  });

  test("more instance types than EMR allows in any fleet (30, with allocation strategies)", () => {
    const types = (n: number) => Array.from({ length: n }, (_, i) => ({ instanceType: `r6i.${i}xlarge` }));
    expect(refusal(devFleets((f) => (f.core.instanceTypes = types(31))), "fleets.core.instanceTypes")).toMatch(/at most 30 instance types in a core fleet/);
    expect(problems(devFleets((f) => (f.core.instanceTypes = types(30)))).filter((p) => p.startsWith("fleets.core.instanceTypes = "))).toEqual([]);
  });

  test("an instance type the table does not list for the region", () => {
    const input = devFleets((f) => (f.task!.instanceTypes[2] = { instanceType: "x2iedn.32xlarge" }));
    expect(refusal(input, "fleets.task.instanceTypes.2.instanceType")).toMatch(/= "x2iedn\.32xlarge": not in environments\/instance-types\.json for eu-west-1; fix: add its row, or one of /);
  });

  test("fleets and instance groups together", () => {
    const input = { ...devFleets(), instances: { core: { count: 3 } } };
    expect(refusal(input, "instances")).toMatch(/either instance groups or instance fleets\); fix: remove instances, or remove fleets/);
  });

  test("a pipeline that names a core instance type on a fleet environment", () => {
    const input = { ...devFleets(), pipelines: { financialDaily: { capacity: { coreCount: 2, coreInstanceType: "r6i.xlarge" } } } };
    expect(refusal(input, "pipelines.financialDaily.capacity.coreInstanceType")).toMatch(/fix: remove coreInstanceType/);
  });

  test("prod: spot core units, a spot master, or a core cap beyond the on-demand cap", () => {
    const prod = environmentInput("prod");
    delete prod.instances;
    const spotCore = { ...prod, fleets: { ...fleets(), core: { ...fleets().core, targetOnDemandCapacity: 2, targetSpotCapacity: 2, spot: { timeoutAction: "SWITCH_TO_ON_DEMAND" as const, timeoutMinutes: 10 } } }, scaling: { managed: { minCapacity: 4, maxCapacity: 20, maxOnDemandCapacity: 4, maxCoreCapacity: 4 } } };
    expect(refusal(spotCore, "fleets.core.targetSpotCapacity")).toMatch(/spot core units in prod.*fix: targetSpotCapacity: 0/);
    const spotMaster = { ...spotCore, fleets: { ...fleets(), master: { targetSpotCapacity: 1, targetOnDemandCapacity: 0, instanceTypes: [{ instanceType: "m6i.2xlarge" }], spot: { timeoutAction: "SWITCH_TO_ON_DEMAND" as const, timeoutMinutes: 10 } } } };
    expect(refusal(spotMaster, "fleets.master.targetSpotCapacity")).toMatch(/a spot master in prod/);
    const loose = { ...spotCore, fleets: fleets(), scaling: { managed: { minCapacity: 4, maxCapacity: 20, maxOnDemandCapacity: 4, maxCoreCapacity: 6 } } };
    expect(refusal(loose, "scaling.managed.maxCoreCapacity")).toMatch(/6 lets managed scaling add spot core units beyond maxOnDemandCapacity 4; fix: maxCoreCapacity <= maxOnDemandCapacity/);
  });
});
