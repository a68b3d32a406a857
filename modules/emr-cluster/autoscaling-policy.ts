/**
 * EMR custom autoscaling (instance groups only): typed rules from the environment config rendered as the AWS
 * AutoScalingPolicy JSON of an instance group.
 *
 * The rules carry no Dimensions: EMR scopes each alarm to the cluster itself (adds JobFlowId). Sending
 * `JobFlowId = ${emr.clusterId}` would diff forever: provider 6.25 strips every JobFlowId dimension when it reads a
 * policy back (internal/service/emr/cluster.go, flattenAutoScalingPolicyDescription), and its own acceptance tests
 * send policies without Dimensions. The construct still passes the JSON through terraformLiteral().
 */
import type { ScalingConfig, ScalingRule } from "../../environments/schema";
import { EMR_METRICS_NAMESPACE } from "../../contracts/emr";

export type CustomAutoscalingConfig = NonNullable<ScalingConfig["autoscaling"]>;


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

/** The policy for validated rules (unique names and non-zero adjustments: environments/checks.ts). */
export function buildAutoscalingPolicy(config: CustomAutoscalingConfig): AutoScalingPolicy {
  return {
    Constraints: { MinCapacity: config.minCapacity, MaxCapacity: config.maxCapacity },
    Rules: config.rules.map(rule),
  };
}

/** Compact JSON in a fixed key order (plain text, not yet escaped for Terraform). */
export function renderAutoscalingPolicy(config: CustomAutoscalingConfig): string {
  return JSON.stringify(buildAutoscalingPolicy(config));
}
