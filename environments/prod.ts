import type { EnvironmentInput } from "./schema";

/**
 * Production: long-running, protected, managed TLS certificates. Capacity is instance fleets: on-demand master and
 * core (HDFS lives on core), a spot task fleet diversified over six types of 64 GiB per unit (spot pools run dry one
 * type at a time), and every private subnet offered so EMR picks the zone with capacity.
 */
export const prod: EnvironmentInput = {
  name: "prod",
  region: "eu-west-1",
  network: { mode: "create", vpcCidr: "10.42.0.0/16", availabilityZones: 3, natGateways: "per-az" },
  access: { adminCidrs: ["10.0.0.0/8"] },
  fleets: {
    master: {
      targetOnDemandCapacity: 1,
      instanceTypes: [
        { instanceType: "m6i.2xlarge", ebs: { sizeGb: 200 } },
        { instanceType: "m5.2xlarge", ebs: { sizeGb: 200 } },
      ],
      // Free for a single on-demand node, and required: the task fleet's six types are accepted only when every
      // fleet sets a strategy for each market it uses (checks.ts fleetTypeCount).
      onDemand: { allocationStrategy: "lowest-price" },
    },
    core: {
      targetOnDemandCapacity: 4,
      instanceTypes: [
        { instanceType: "r6i.2xlarge", ebs: { sizeGb: 500 } },
        { instanceType: "r5.2xlarge", ebs: { sizeGb: 500 } },
      ],
      onDemand: { allocationStrategy: "lowest-price" },
    },
    task: {
      targetSpotCapacity: 2,
      // One unit = 64 GiB of memory: the 2xlarge r types and the 4xlarge m types count 1, the 4xlarge r types 2.
      instanceTypes: [
        { instanceType: "r6i.2xlarge", ebs: { sizeGb: 200 } },
        { instanceType: "r5.2xlarge", ebs: { sizeGb: 200 } },
        { instanceType: "m6i.4xlarge", ebs: { sizeGb: 200 } },
        { instanceType: "m5.4xlarge", ebs: { sizeGb: 200 } },
        { instanceType: "r6i.4xlarge", weightedCapacity: 2, ebs: { sizeGb: 400 } },
        { instanceType: "r5.4xlarge", weightedCapacity: 2, ebs: { sizeGb: 400 } },
      ],
      spot: { allocationStrategy: "price-capacity-optimized", timeoutAction: "SWITCH_TO_ON_DEMAND", timeoutMinutes: 10 },
      onDemand: { allocationStrategy: "lowest-price" },
    },
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
