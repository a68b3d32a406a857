/**
 * The pipelines an environment runs, for the plan summary: runtime, steps, schedule and trigger as enabled, and
 * what a transient run's cluster costs per hour (from the same cluster spec the state machine renders).
 */
import { loadPipelines, type EnvironmentConfig } from "../../environments";
import { buildClusterSpec, type ClusterReferences } from "../../modules/emr-cluster/cluster-spec";
import { stepNames } from "../../modules/pipeline/platform-pipelines";
import { estimateCost, type CostEstimate } from "./cost";
import type { PriceTable } from "./pricing";

export interface PipelineSummary {
  readonly name: string;
  readonly runtime: "transient" | "cluster";
  readonly steps: readonly string[];
  readonly schedule: { readonly cron: string; readonly timezone: string } | null;
  readonly trigger: { readonly prefix: string; readonly marker: string } | null;
  /** Transient runtime on a billed environment: the per-run cluster's cost per hour; null otherwise. */
  readonly clusterCost: CostEstimate | null;
}

/** Only the instance groups matter for cost; references are placeholders. */
const NO_REFERENCES: ClusterReferences = {
  name: "", subnetId: "", serviceRoleArn: "", instanceProfileArn: "", instanceProfileName: "", securityConfigurationName: "",
  masterSecurityGroupId: "", coreSecurityGroupId: "", serviceAccessSecurityGroupId: "", logsBucketName: "", bootstrapUri: "",
};

export function summarizePipelines(config: EnvironmentConfig, prices: PriceTable): PipelineSummary[] {
  return Object.entries(loadPipelines(config)).map(([name, pipeline]) => {
    const env = config.pipelines[name];
    let clusterCost: CostEstimate | null = null;
    if (pipeline.runtime === "transient" && !config.endpoint) {
      const spec = buildClusterSpec(config, NO_REFERENCES, { ...env.capacity, idleTimeoutSeconds: pipeline.idleTimeoutMinutes * 60 });
      const groups = [spec.master, spec.core, ...(spec.task ? [spec.task] : [])].map((g) => ({
        role: g.name as "master" | "core" | "task",
        instanceType: g.instanceType,
        market: g.market,
        count: g.count,
      }));
      clusterCost = estimateCost(prices, config.region, groups);
    }
    return {
      name,
      runtime: pipeline.runtime,
      steps: stepNames(pipeline),
      schedule: pipeline.schedule && env.schedule ? pipeline.schedule : null,
      trigger: pipeline.trigger && env.trigger ? pipeline.trigger : null,
      clusterCost,
    };
  });
}

/** `financialDaily  transient  quality_gate → process → archive` and a second line with start and cost. */
export function formatPipeline(p: PipelineSummary): string[] {
  const starts = [
    p.schedule ? `schedule cron(${p.schedule.cron}) ${p.schedule.timezone}` : "no schedule",
    ...(p.trigger ? [`on s3 ${p.trigger.prefix}…/${p.trigger.marker}`] : []),
  ].join(", ");
  const cost = p.runtime === "cluster" ? "on the environment's cluster" : p.clusterCost ? `transient cluster $${p.clusterCost.hourly.toFixed(3)}/h` : "transient cluster (not billed)";
  return [`    ${p.name.padEnd(16)}${p.runtime.padEnd(11)}${p.steps.join(" → ")}`, `    ${"".padEnd(27)}${starts}; ${cost}`];
}
