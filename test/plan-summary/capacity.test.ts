import { environmentInput, loadEnvironment, parseEnvironment, type EnvironmentInput } from "../../environments";
import { capacityAt, scalingRange } from "../../scripts/plan-summary/capacity";

const variant = (change: (input: EnvironmentInput) => void) => {
  const input = environmentInput("dev");
  change(input);
  return parseEnvironment(input);
};
const counts = (groups: ReturnType<typeof capacityAt>) => Object.fromEntries(groups.map((g) => [g.role, g.count]));

describe("scalingRange", () => {
  it("reads custom autoscaling, managed scaling and none from the config", () => {
    expect(scalingRange(loadEnvironment("dev"))).toEqual({ kind: "custom", group: "task", min: 0, max: 4 });
    expect(scalingRange(loadEnvironment("prod"))).toEqual({ kind: "managed", unit: "instances", min: 4, max: 20, maxOnDemand: 4, maxCore: 4 });
    expect(scalingRange(loadEnvironment("local"))).toEqual({ kind: "none" });
  });
});

describe("capacityAt", () => {
  it("keeps the configured counts without scaling", () => {
    const config = variant((i) => {
      i.scaling = {};
      i.instances!.task = { instanceType: "m6i.xlarge", count: 2, market: "SPOT" };
    });
    expect(counts(capacityAt(config, "min"))).toEqual({ master: 1, core: 2, task: 2 });
    expect(capacityAt(config, "max")).toEqual(capacityAt(config, "min"));
  });

  it("moves only the task group across a custom autoscaling range", () => {
    const dev = loadEnvironment("dev");
    expect(counts(capacityAt(dev, "min"))).toEqual({ master: 1, core: 2, task: 0 });
    expect(counts(capacityAt(dev, "max"))).toEqual({ master: 1, core: 2, task: 4 });
    expect(capacityAt(dev, "max").map((g) => g.market)).toEqual(["ON_DEMAND", "ON_DEMAND", "SPOT"]);
  });

  it("fills core first up to its caps under managed scaling, the rest are task nodes", () => {
    const prod = loadEnvironment("prod");
    expect(counts(capacityAt(prod, "min"))).toEqual({ master: 1, core: 4, task: 0 });
    expect(counts(capacityAt(prod, "max"))).toEqual({ master: 1, core: 4, task: 16 });
  });

  it("caps an on-demand core group at maxOnDemandCapacity, and keeps one core node", () => {
    const capped = variant((i) => (i.scaling = { managed: { minCapacity: 6, maxCapacity: 10, maxOnDemandCapacity: 2 } }));
    expect(counts(capacityAt(capped, "min"))).toEqual({ master: 1, core: 2, task: 4 });
    const zeroOnDemand = variant((i) => (i.scaling = { managed: { minCapacity: 2, maxCapacity: 3, maxOnDemandCapacity: 0 } }));
    expect(counts(capacityAt(zeroOnDemand, "min"))).toEqual({ master: 1, core: 1, task: 1 });
  });

  it("does not apply the on-demand cap to a spot core group", () => {
    const spotCore = variant((i) => {
      i.instances!.core = { instanceType: "m6i.xlarge", count: 2, market: "SPOT" };
      i.scaling = { managed: { minCapacity: 5, maxCapacity: 8, maxOnDemandCapacity: 1 } };
    });
    expect(counts(capacityAt(spotCore, "max"))).toEqual({ master: 1, core: 8, task: 0 });
  });
});
