import type { EnvironmentInput } from "./schema";

/** Production: long-running, protected, on-demand core nodes (HDFS lives there), managed TLS certificates. */
export const prod: EnvironmentInput = {
  name: "prod",
  region: "eu-west-1",
  network: { mode: "create", vpcCidr: "10.42.0.0/16", availabilityZones: 3, natGateways: "per-az" },
  access: { adminCidrs: ["10.0.0.0/8"] },
  instances: {
    master: { instanceType: "m6i.2xlarge", count: 1, market: "ON_DEMAND", ebs: { sizeGb: 200 } },
    core: { instanceType: "r6i.2xlarge", count: 3, market: "ON_DEMAND", ebs: { sizeGb: 500 } },
    task: { instanceType: "r6i.2xlarge", count: 0, market: "SPOT", ebs: { sizeGb: 200 } },
  },
  scaling: { managed: { minCapacity: 4, maxCapacity: 20, maxOnDemandCapacity: 4, maxCoreCapacity: 4 } },
  autoTermination: { enabled: false },
  terminationProtection: true,
  stepConcurrency: 10,
  logging: { retentionDays: 90 },
  storage: { forceDestroy: false, noncurrentVersionDays: 90 },
  tls: { certificateZipS3Uri: "s3://emr-platform-prod-certificates/emr/certs.zip" },
  alarms: { emails: ["data-platform-oncall@example.com"] },
  stateBackend: { type: "s3", bucket: "emr-platform-terraform-state", region: "eu-west-1" },
  tags: { CostCenter: "data-platform-prod" },
  pipelines: { financialDaily: { schedule: true, capacity: { coreCount: 4 } } },
};
