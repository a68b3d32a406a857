/** EMR's capacity rules in one home: the rules themselves, and the config check and the capacity model agreeing on them. */
import { environmentInput, parseEnvironment, ConfigError, type EnvironmentInput } from "../../environments";
import { managedScalingCeiling, splitCoreTask, taskGroupExists } from "../../environments/capacity-rules";
import { hasTaskNodes } from "../../modules/emr-cluster/capacity-model";

describe("capacity rules", () => {
  test.each([
    [{ count: 0, customScaling: false }, false],
    [{ count: 2, customScaling: false }, true],
    [{ count: 0, customScaling: true }, true],
    [{ count: 0, customScaling: false, managed: { maxCapacity: 8, maxCoreCapacity: 4 } }, true],
    [{ count: 0, customScaling: false, managed: { maxCapacity: 4, maxCoreCapacity: 4 } }, false],
    [{ count: 0, customScaling: false, managed: { maxCapacity: 4 } }, false],
  ])("taskGroupExists(%j) = %s", (task, expected) => {
    expect(taskGroupExists(task)).toBe(expected);
  });

  test("core first up to maxCore and the cap, at least one core node; the rest is task", () => {
    expect(splitCoreTask(10, 4)).toEqual({ core: 4, task: 6 });
    expect(splitCoreTask(10, undefined, 3)).toEqual({ core: 3, task: 7 });
    expect(splitCoreTask(10, 0)).toEqual({ core: 1, task: 9 });
    expect(splitCoreTask(0, 4)).toEqual({ core: 0, task: 0 });
  });

  test("the managed ceiling counts on-demand task nodes against maxOnDemandCapacity", () => {
    expect(managedScalingCeiling({ maxOnDemandCapacity: 4, maxCoreCapacity: 4 }, { market: "ON_DEMAND" }, { market: "ON_DEMAND" })).toBe(4);
    expect(managedScalingCeiling({ maxOnDemandCapacity: 4, maxCoreCapacity: 4 }, { market: "ON_DEMAND" }, { market: "SPOT" })).toBe(Infinity);
  });
});

describe("the config check and the capacity model agree on whether a task group exists", () => {
  /** dev with a task group throughput above gp3's baseline: refused exactly when a task group exists. */
  const variant = (change: (i: EnvironmentInput) => void): EnvironmentInput => {
    const input = environmentInput("dev");
    change(input);
    return input;
  };
  const refusedThroughput = (input: EnvironmentInput): boolean => {
    const withThroughput = structuredClone(input);
    withThroughput.instances!.task = { ...withThroughput.instances!.task, ebs: { ...withThroughput.instances!.task?.ebs, throughputMiBps: 250 } };
    try {
      parseEnvironment(withThroughput, "test");
      return false;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems.some((p) => p.startsWith("instances.task.ebs.throughputMiBps = "));
    }
  };
  test.each([
    ["custom rules", () => undefined],
    ["no scaling, no task instances", (i: EnvironmentInput) => void (i.scaling = {})],
    ["no scaling, two task instances", (i: EnvironmentInput) => void ((i.scaling = {}), (i.instances!.task = { ...i.instances!.task, count: 2 }))],
    ["managed beyond core", (i: EnvironmentInput) => void (i.scaling = { managed: { minCapacity: 2, maxCapacity: 8, maxCoreCapacity: 4 } })],
    ["managed within core", (i: EnvironmentInput) => void (i.scaling = { managed: { minCapacity: 2, maxCapacity: 4, maxCoreCapacity: 4 } })],
  ])("%s", (_name, change) => {
    const input = variant(change);
    expect(refusedThroughput(input)).toBe(hasTaskNodes(parseEnvironment(input, "test")));
  });
});
