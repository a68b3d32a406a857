import type { EnvironmentInput } from "./schema";

/** Developer sandbox: cheap and disposable. Idle hour auto-termination, spot task nodes, buckets deletable. */
export const dev: EnvironmentInput = {
  name: "dev",
  region: "eu-west-1",
  network: { mode: "create", vpcCidr: "10.40.0.0/16", availabilityZones: 2, natGateways: "single" },
  access: { adminCidrs: ["10.0.0.0/8"] },
  instances: {
    master: { instanceType: "m6i.xlarge", count: 1, market: "ON_DEMAND", ebs: { sizeGb: 64 } },
    core: { instanceType: "m6i.xlarge", count: 2, market: "ON_DEMAND", ebs: { sizeGb: 64 } },
    task: { instanceType: "m6i.xlarge", count: 0, market: "SPOT", ebs: { sizeGb: 64 } },
  },
  scaling: { autoscaling: { minCapacity: 0, maxCapacity: 4 } },
  autoTermination: { enabled: true, idleTimeoutSeconds: 3600 },
  terminationProtection: false,
  stepConcurrency: 2,
  storage: { forceDestroy: true },
  logging: { retentionDays: 14 },
  // Remote state even for dev: the pull-request plan job must see what is deployed, not plan everything as new.
  stateBackend: { type: "s3", bucket: "emr-platform-terraform-state", region: "eu-west-1" },
  tags: { CostCenter: "data-platform-dev" },
  serverless: { enabled: true, autoStopIdleMinutes: 15 },
  streaming: { enabled: true },
  pipelines: { financialDaily: { schedule: false, capacity: { coreCount: 1 } }, smokeNightly: { schedule: false }, claimsDaily: { capacity: { coreCount: 1 } }, trackerDaily: { schedule: false } },
};
