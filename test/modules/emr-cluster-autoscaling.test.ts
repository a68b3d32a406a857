import { DEFAULT_SCALING_RULES, loadEnvironment } from "../../environments";
import {
  buildAutoscalingPolicy,
  renderAutoscalingPolicy,
  type CustomAutoscalingConfig,
} from "../../modules/emr-cluster/autoscaling-policy";

const devScaling = loadEnvironment("dev").scaling.autoscaling as CustomAutoscalingConfig;

describe("buildAutoscalingPolicy", () => {
  test("dev's config gives the AWS AutoScalingPolicy shape with the task group's capacity range", () => {
    const policy = buildAutoscalingPolicy(devScaling);
    expect(policy.Constraints).toEqual({ MinCapacity: 0, MaxCapacity: 4 });
    expect(policy.Rules[0]).toEqual({
      Name: "ScaleOutMemory",
      Description: "Add a task node when less than 15% of YARN memory is available",
      Action: { SimpleScalingPolicyConfiguration: { AdjustmentType: "CHANGE_IN_CAPACITY", ScalingAdjustment: 1, CoolDown: 300 } },
      Trigger: {
        CloudWatchAlarmDefinition: {
          ComparisonOperator: "LESS_THAN",
          EvaluationPeriods: 1,
          MetricName: "YARNMemoryAvailablePercentage",
          Namespace: "AWS/ElasticMapReduce",
          Period: 300,
          Statistic: "AVERAGE",
          Threshold: 15,
          Unit: "PERCENT",
        },
      },
    });
  });

  test("the default rules scale out below 15% free YARN memory or above 0.75 pending ratio, and in above 75%", () => {
    const rules = buildAutoscalingPolicy({ minCapacity: 0, maxCapacity: 4, rules: DEFAULT_SCALING_RULES }).Rules;
    expect(
      rules.map((r) => [
        r.Trigger.CloudWatchAlarmDefinition.MetricName,
        r.Trigger.CloudWatchAlarmDefinition.ComparisonOperator,
        r.Trigger.CloudWatchAlarmDefinition.Threshold,
        r.Action.SimpleScalingPolicyConfiguration.ScalingAdjustment,
      ]),
    ).toEqual([
      ["YARNMemoryAvailablePercentage", "LESS_THAN", 15, 1],
      ["ContainerPendingRatio", "GREATER_THAN", 0.75, 1],
      ["YARNMemoryAvailablePercentage", "GREATER_THAN", 75, -1],
    ]);
  });

  test("no rule carries Dimensions: EMR adds the cluster's JobFlowId itself and the provider strips it on read", () => {
    const rules = buildAutoscalingPolicy(devScaling).Rules;
    expect(rules).toHaveLength(3);
    for (const r of rules) expect(r.Trigger.CloudWatchAlarmDefinition).not.toHaveProperty("Dimensions");
    expect(renderAutoscalingPolicy(devScaling)).not.toContain("Dimensions");
  });

  test("a rule without a description has no Description key", () => {
    const [rule] = DEFAULT_SCALING_RULES;
    const policy = buildAutoscalingPolicy({ minCapacity: 1, maxCapacity: 2, rules: [{ ...rule, description: undefined }] });
    expect(Object.keys(policy.Rules[0])).toEqual(["Name", "Action", "Trigger"]);
  });

  test("rendering is stable: the same config renders the same bytes", () => {
    expect(renderAutoscalingPolicy(devScaling)).toBe(renderAutoscalingPolicy(structuredClone(devScaling)));
  });
});
