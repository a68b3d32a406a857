import type { EnvironmentInput } from "./schema";

/** Production's rehearsal: same shape as prod, smaller, still idle-terminated and spot for task nodes. */
export const staging: EnvironmentInput = {
  name: "staging",
  region: "eu-west-1",
  network: { mode: "create", vpcCidr: "10.41.0.0/16", availabilityZones: 2, natGateways: "single" },
  access: { adminCidrs: ["10.0.0.0/8"] },
  instances: {
    master: { instanceType: "m6i.xlarge", count: 1, market: "ON_DEMAND", ebs: { sizeGb: 100 } },
    core: { instanceType: "r6i.xlarge", count: 2, market: "ON_DEMAND", ebs: { sizeGb: 200 } },
    task: { instanceType: "r6i.xlarge", count: 0, market: "SPOT", ebs: { sizeGb: 100 } },
  },
  scaling: { autoscaling: { minCapacity: 0, maxCapacity: 6 } },
  autoTermination: { enabled: true, idleTimeoutSeconds: 7200 },
  terminationProtection: false,
  stepConcurrency: 4,
  logging: { retentionDays: 30 },
  stateBackend: { type: "s3", bucket: "emr-platform-terraform-state", region: "eu-west-1" },
  tags: { CostCenter: "data-platform-staging" },
  // The cluster-runtime pipelines run on demand only: the cluster terminates after two idle hours, and a scheduled
  // step on a TERMINATED cluster fails (checks.ts scheduledPipelineOnIdleCluster; README "Pipelines").
  pipelines: { financialDaily: { schedule: true }, smokeNightly: { schedule: false }, claimsDaily: {}, trackerDaily: { schedule: false } },
};
