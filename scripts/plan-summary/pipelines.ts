/**
 * The pipelines an environment runs, for the plan summary: runtime, steps, schedule and trigger as enabled, and
 * what a transient run's cluster costs per hour (from the same cluster spec the state machine renders).
 */
import { loadPipelines, type EnvironmentConfig } from "../../environments";
import { buildClusterSpec, type ClusterReferences } from "../../modules/emr-cluster/cluster-spec";
import { stepNames } from "../../modules/pipeline/platform-pipelines";
import { capacityOfSpec } from "../../modules/emr-cluster/capacity-model";
import { estimateCost, type CostEstimate } from "./cost";
import { estimateFleetCost, type FleetCostRange } from "./fleet-cost";
import type { PriceTable } from "../../environments/instance-types";
import type { PipelineRuntime } from "../../environments/pipelines";

export interface PipelineSummary {
  readonly name: string;
  /** The runtime in this environment (`pipelines.<name>.runtime` overrides the declaration's). */
  readonly runtime: PipelineRuntime;
  readonly steps: readonly string[];
  readonly schedule: { readonly cron: string; readonly timezone: string } | null;
  readonly trigger: { readonly prefix: string; readonly marker: string } | null;
  /** Transient runtime on a billed environment of instance groups: the per-run cluster's cost per hour; null otherwise. */
  readonly clusterCost: CostEstimate | null;
  /** Transient runtime on a billed environment of instance fleets: the per-run cluster's cost range per hour. */
  readonly clusterCostRange?: FleetCostRange;
}

/** Only the instance groups matter for cost; references are placeholders. */
const NO_REFERENCES: ClusterReferences = {
  name: "", subnetId: "", subnetIds: [], serviceRoleArn: "", instanceProfileArn: "", instanceProfileName: "", securityConfigurationName: "",
  masterSecurityGroupId: "", coreSecurityGroupId: "", serviceAccessSecurityGroupId: "", logsBucketName: "", bootstrapUri: "",
};

export function summarizePipelines(config: EnvironmentConfig, prices: PriceTable): PipelineSummary[] {
  return Object.entries(loadPipelines(config)).map(([name, pipeline]) => {
    const env = config.pipelines[name];
    let clusterCost: CostEstimate | null = null;
    let clusterCostRange: FleetCostRange | undefined;
    if (pipeline.runtime === "transient" && !config.endpoint) {
      const point = capacityOfSpec(buildClusterSpec(config, NO_REFERENCES, { ...env.capacity, idleTimeoutSeconds: pipeline.idleTimeoutMinutes * 60 }));
      if (point.shape === "groups") clusterCost = estimateCost(prices, config.region, point.groups);
      else clusterCostRange = estimateFleetCost(prices, config.region, point.fleets);
    }
    return {
      name,
      runtime: pipeline.runtime,
      steps: stepNames(pipeline),
      schedule: pipeline.schedule && env.schedule ? pipeline.schedule : null,
      trigger: pipeline.trigger && env.trigger ? pipeline.trigger : null,
      clusterCost,
      ...(clusterCostRange ? { clusterCostRange } : {}),
    };
  });
}

/** `financialDaily  transient  quality_gate → process → archive` and a second line with start and cost. */
export function formatPipeline(p: PipelineSummary): string[] {
  const starts = [
    p.schedule ? `schedule cron(${p.schedule.cron}) ${p.schedule.timezone}` : "no schedule",
    ...(p.trigger ? [`on s3 ${p.trigger.prefix}…/${p.trigger.marker}`] : []),
  ].join(", ");
  const cost =
    p.runtime === "cluster"
      ? "on the environment's cluster"
      : p.runtime === "serverless"
        ? "job runs on the environment's EMR Serverless application (billed per vCPU-hour and GB-hour used)"
        : p.clusterCost
        ? `transient cluster $${p.clusterCost.hourly.toFixed(3)}/h`
        : p.clusterCostRange
          ? `transient cluster $${p.clusterCostRange.cheapest.toFixed(3)}–$${p.clusterCostRange.dearest.toFixed(3)}/h`
          : "transient cluster (not billed)";
  return [`    ${p.name.padEnd(16)}${p.runtime.padEnd(11)}${p.steps.join(" → ")}`, `    ${"".padEnd(27)}${starts}; ${cost}`];
}
