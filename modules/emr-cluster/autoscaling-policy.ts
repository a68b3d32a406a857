/**
 * EMR custom autoscaling (instance groups only): typed rules from the environment config rendered as the AWS
 * AutoScalingPolicy JSON of an instance group.
 *
 * The rules carry no Dimensions: EMR scopes each alarm to the cluster itself (adds JobFlowId). Sending
 * `JobFlowId = ${emr.clusterId}` would diff forever: provider 6.25 strips every JobFlowId dimension when it reads a
 * policy back (internal/service/emr/cluster.go, flattenAutoScalingPolicyDescription), and its own acceptance tests
 * send policies without Dimensions. The construct still passes the JSON through terraformLiteral().
 */
import { ConfigError } from "../../environments";
import type { ScalingConfig, ScalingRule } from "../../environments/schema";

export type CustomAutoscalingConfig = NonNullable<ScalingConfig["autoscaling"]>;

export const EMR_METRICS_NAMESPACE = "AWS/ElasticMapReduce";

export interface AutoScalingPolicy {
  readonly Constraints: { readonly MinCapacity: number; readonly MaxCapacity: number };
  readonly Rules: ScalingPolicyRule[];
}

export interface ScalingPolicyRule {
  readonly Name: string;
  readonly Description?: string;
  readonly Action: {
    readonly SimpleScalingPolicyConfiguration: {
      readonly AdjustmentType: "CHANGE_IN_CAPACITY";
      readonly ScalingAdjustment: number;
      readonly CoolDown: number;
    };
  };
  readonly Trigger: {
    readonly CloudWatchAlarmDefinition: {
      readonly ComparisonOperator: string;
      readonly EvaluationPeriods: number;
      readonly MetricName: string;
      readonly Namespace: string;
      readonly Period: number;
      readonly Statistic: string;
      readonly Threshold: number;
      readonly Unit: string;
    };
  };
}

function rule(r: ScalingRule): ScalingPolicyRule {
  return {
    Name: r.name,
    ...(r.description !== undefined ? { Description: r.description } : {}),
    Action: {
      SimpleScalingPolicyConfiguration: {
        AdjustmentType: "CHANGE_IN_CAPACITY",
        ScalingAdjustment: r.adjustment,
        CoolDown: r.cooldownSeconds,
      },
    },
    Trigger: {
      CloudWatchAlarmDefinition: {
        ComparisonOperator: r.trigger.comparison,
        EvaluationPeriods: r.trigger.evaluationPeriods,
        MetricName: r.trigger.metric,
        Namespace: EMR_METRICS_NAMESPACE,
        Period: r.trigger.periodSeconds,
        Statistic: r.trigger.statistic,
        Threshold: r.trigger.threshold,
        Unit: r.trigger.unit,
      },
    },
  };
}

/** Throws naming scaling.autoscaling.rules when two rules share a name (EMR keys rules by name). */
export function buildAutoscalingPolicy(config: CustomAutoscalingConfig): AutoScalingPolicy {
  const seen = new Set<string>();
  const duplicates = config.rules.map((r) => r.name).filter((n) => (seen.has(n) ? true : (seen.add(n), false)));
  if (duplicates.length > 0) {
    throw new ConfigError(
      `scaling.autoscaling.rules: duplicate rule name ${[...new Set(duplicates)].map((n) => `"${n}"`).join(", ")}; fix: give every rule its own name`,
    );
  }
  return {
    Constraints: { MinCapacity: config.minCapacity, MaxCapacity: config.maxCapacity },
    Rules: config.rules.map(rule),
  };
}

/** Compact JSON in a fixed key order (plain text, not yet escaped for Terraform). */
export function renderAutoscalingPolicy(config: CustomAutoscalingConfig): string {
  return JSON.stringify(buildAutoscalingPolicy(config));
}
