/**
 * The one source of both the EnvironmentConfig type and its validation. Defaults live here, so an environment file
 * states only what differs. Fields carry their types and limits; every other rule is a named check in checks.ts,
 * run here in one pass. Every message names the field and the fix; `loadEnvironment()` gathers them into one error.
 */
import { z } from "zod";
import { EBS_DEFAULTS, GROUP_DEFAULTS, runConfigChecks, TYPES_WITH_ALLOCATION_STRATEGY } from "./checks";
import { ENVIRONMENT_NAMES } from "./names";

export { TYPES_WITHOUT_ALLOCATION_STRATEGY, TYPES_WITH_ALLOCATION_STRATEGY } from "./checks";
import { environmentPipelinesSchema } from "./pipelines";
import { serverlessSchema } from "./serverless";
import { catalogSchema } from "./catalog";
import { streamingSchema } from "./streaming";

export { ENVIRONMENT_NAMES, type EnvironmentName } from "./names";

/** The emr-7 release we default to: Spark 3.5.6-amzn-1, Python 3.11 on the nodes (EMR release guide). */
export const DEFAULT_RELEASE_LABEL = "emr-7.12.0";

/** Metrics the EMR custom autoscaling documentation lists for rules (CloudWatch namespace AWS/ElasticMapReduce). */
export const AUTOSCALING_METRICS = [
  "YARNMemoryAvailablePercentage",
  "ContainerPendingRatio",
  "ContainerPending",
  "AppsPending",
  "AppsRunning",
  "HDFSUtilization",
  "CapacityRemainingGB",
  "CoreNodesPending",
  "IsIdle",
] as const;

export const KNOWN_APPLICATIONS = [
  "Hadoop",
  "Spark",
  "Hive",
  "Livy",
  "Zeppelin",
  "JupyterEnterpriseGateway",
  "JupyterHub",
  "Hue",
  "Presto",
  "Trino",
  "Tez",
  "Pig",
  "Flink",
  "HBase",
  "Iceberg",
  "Delta",
  "Hudi",
] as const;

const RELEASE_LABEL = /^emr-(?:spark-)?\d+\.\d+\.\d+$/;
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

const market = z.enum(["ON_DEMAND", "SPOT"]);

const ebs = z
  .object({
    sizeGb: z.number().int().min(32).max(16384).default(EBS_DEFAULTS.sizeGb).describe("gp3 volume size per volume in GiB."),
    volumesPerInstance: z.number().int().min(1).max(8).default(EBS_DEFAULTS.volumesPerInstance),
    iops: z.number().int().min(3000).max(16000).default(EBS_DEFAULTS.iops).describe("gp3 baseline is 3000 IOPS / 125 MiB/s; raise only for shuffle-heavy jobs."),
    throughputMiBps: z.number().int().min(125).max(1000).default(EBS_DEFAULTS.throughputMiBps),
  })
  .strict();

const instanceGroup = (defaults: { readonly instanceType: string; readonly count: number; readonly market: "ON_DEMAND" | "SPOT" }) => {
  const group = z
    .object({
      instanceType: z.string().default(defaults.instanceType).describe("Checked against environments/instance-types.json for the region."),
      count: z.number().int().min(0).max(500).default(defaults.count),
      market: market.default(defaults.market),
      /** Maximum spot price in USD/hour; omitted means capped at the on-demand price (AWS's recommendation). */
      bidPrice: z
        .string()
        .regex(/^\d+(\.\d{1,4})?$/, "not a price; fix: USD per hour as a decimal string, e.g. \"0.12\"")
        .optional(),
      ebs: ebs.prefault({}),
    })
    .strict();
  return group.prefault({});
};

// ---- instance fleets ----------------------------------------------------------------------------------------------
// Field names follow the EMR API (InstanceFleetConfig, InstanceTypeConfig, SpotProvisioningSpecification,
// OnDemandProvisioningSpecification) and provider-aws 6.25's aws_emr_cluster / aws_emr_instance_fleet blocks.

/**
 * The most instance types any fleet may list: 30, and only when every fleet of the cluster sets an allocation
 * strategy; otherwise 5 (checks.ts fleetTypeCount). EMR API reference, InstanceTypeConfig
 * (https://docs.aws.amazon.com/emr/latest/APIReference/API_InstanceTypeConfig.html), and the Management Guide's
 * instance fleets page (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-instance-fleet.html): the same
 * 5/30 for master, core and task fleets.
 */
export const FLEET_TYPE_LIMITS = { master: TYPES_WITH_ALLOCATION_STRATEGY, core: TYPES_WITH_ALLOCATION_STRATEGY, task: TYPES_WITH_ALLOCATION_STRATEGY } as const;
/** SpotProvisioningSpecification.AllocationStrategy values (EMR API reference). */
export const SPOT_ALLOCATION_STRATEGIES = ["price-capacity-optimized", "capacity-optimized", "capacity-optimized-prioritized", "lowest-price", "diversified"] as const;
/** OnDemandProvisioningSpecification.AllocationStrategy values (EMR API reference). */
export const ON_DEMAND_ALLOCATION_STRATEGIES = ["lowest-price", "prioritized"] as const;

/** Fleet EBS: no throughput, because provider-aws 6.25's fleet `ebs_config` has none (iops, size, type, volumes_per_instance). */
const fleetEbs = z
  .object({
    sizeGb: z.number().int().min(32).max(16384).default(EBS_DEFAULTS.sizeGb).describe("gp3 volume size per volume in GiB."),
    volumesPerInstance: z.number().int().min(1).max(8).default(EBS_DEFAULTS.volumesPerInstance),
    iops: z.number().int().min(3000).max(16000).default(EBS_DEFAULTS.iops).describe("gp3 IOPS. Throughput stays at gp3's 125 MiB/s: the provider's fleet EBS block cannot set it."),
  })
  .strict();

const fleetInstanceType = z
  .object({
    instanceType: z.string().describe("Checked against environments/instance-types.json for the region."),
    weightedCapacity: z
      .number()
      .int()
      .min(1, "a weighted capacity of 0 provides no units, so EMR could never meet the target; fix: 1 or more (units this type counts for)")
      .max(1000)
      .default(1)
      .describe("Units one instance of this type counts towards the fleet's targets."),
    bidPriceAsPercentageOfOnDemandPrice: z.number().min(1).max(1000).optional().describe("Spot price cap as a % of this type's on-demand price; omitted: 100."),
    ebs: fleetEbs.prefault({}),
  })
  .strict();

const spotSpecification = z
  .object({
    allocationStrategy: z.enum(SPOT_ALLOCATION_STRATEGIES).default("price-capacity-optimized"),
    timeoutAction: z.enum(["SWITCH_TO_ON_DEMAND", "TERMINATE_CLUSTER"]).describe("What EMR does when spot capacity is not met within timeoutMinutes at launch."),
    timeoutMinutes: z.number().int().min(5).max(1440).describe("Spot provisioning timeout (EMR allows 5–1440)."),
  })
  .strict();

const onDemandSpecification = z.object({ allocationStrategy: z.enum(ON_DEMAND_ALLOCATION_STRATEGIES).default("lowest-price") }).strict();

const instanceFleet = (role: keyof typeof FLEET_TYPE_LIMITS, defaults: { targetOnDemandCapacity: number }) =>
  z
    .object({
      targetOnDemandCapacity: z.number().int().min(0).max(2000).default(defaults.targetOnDemandCapacity).describe("On-demand units EMR provisions for this fleet."),
      targetSpotCapacity: z.number().int().min(0).max(2000).default(0).describe("Spot units EMR provisions for this fleet."),
      instanceTypes: z
        .array(fleetInstanceType)
        .min(1, "a fleet needs at least one instance type; fix: e.g. [{ instanceType: \"r6i.2xlarge\" }]")
        .max(FLEET_TYPE_LIMITS[role], `EMR allows at most ${FLEET_TYPE_LIMITS[role]} instance types in a ${role} fleet; fix: drop some`),
      spot: spotSpecification.optional().describe("Spot launch specification; needed when the fleet can hold spot units."),
      onDemand: onDemandSpecification.optional().describe("On-demand launch specification (allocation strategy)."),
    })
    .strict();

const fleets = z
  .object({
    master: instanceFleet("master", { targetOnDemandCapacity: 1 }),
    core: instanceFleet("core", { targetOnDemandCapacity: 2 }),
    task: instanceFleet("task", { targetOnDemandCapacity: 0 }).optional().describe("Task nodes: compute only, no HDFS; absent: no task fleet."),
  })
  .strict();

const scalingTrigger = z
  .object({
    metric: z.enum(AUTOSCALING_METRICS),
    comparison: z.enum(["GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL"]),
    threshold: z.number(),
    evaluationPeriods: z.number().int().min(1).max(100).default(1),
    periodSeconds: z.number().int().multipleOf(60).min(60).default(300),
    statistic: z.enum(["AVERAGE", "MAXIMUM", "MINIMUM", "SUM", "SAMPLE_COUNT"]).default("AVERAGE"),
    unit: z.enum(["NONE", "PERCENT", "COUNT"]).default("PERCENT"),
  })
  .strict();

export const scalingRuleSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9-_]{1,64}$/, "letters, digits, - and _ only; fix: e.g. ScaleOutMemory"),
    description: z.string().optional(),
    adjustment: z.number().int().describe("Instances to add (positive) or remove (negative)."),
    cooldownSeconds: z.number().int().min(0).default(300),
    trigger: scalingTrigger,
  })
  .strict();
export type ScalingRule = z.infer<typeof scalingRuleSchema>;

/** The rules the issue asks for as defaults: out on memory pressure or pending containers, in when memory is idle. */
export const DEFAULT_SCALING_RULES: ScalingRule[] = [
  {
    name: "ScaleOutMemory",
    description: "Add a task node when less than 15% of YARN memory is available",
    adjustment: 1,
    cooldownSeconds: 300,
    trigger: {
      metric: "YARNMemoryAvailablePercentage",
      comparison: "LESS_THAN",
      threshold: 15,
      evaluationPeriods: 1,
      periodSeconds: 300,
      statistic: "AVERAGE",
      unit: "PERCENT",
    },
  },
  {
    name: "ScaleOutPending",
    description: "Add a task node when pending containers exceed 0.75 per allocated container",
    adjustment: 1,
    cooldownSeconds: 300,
    trigger: {
      metric: "ContainerPendingRatio",
      comparison: "GREATER_THAN",
      threshold: 0.75,
      evaluationPeriods: 1,
      periodSeconds: 300,
      statistic: "AVERAGE",
      unit: "COUNT",
    },
  },
  {
    name: "ScaleInMemory",
    description: "Remove a task node when more than 75% of YARN memory is available",
    adjustment: -1,
    cooldownSeconds: 300,
    trigger: {
      metric: "YARNMemoryAvailablePercentage",
      comparison: "GREATER_THAN",
      threshold: 75,
      evaluationPeriods: 1,
      periodSeconds: 300,
      statistic: "AVERAGE",
      unit: "PERCENT",
    },
  },
];

const customAutoscaling = z
  .object({
    minCapacity: z.number().int().min(0).max(500).default(0).describe("Fewest task-group instances the rules may scale in to."),
    maxCapacity: z.number().int().min(1).max(500).default(4).describe("Most task-group instances the rules may scale out to."),
    rules: z.array(scalingRuleSchema).min(1).default(DEFAULT_SCALING_RULES),
  })
  .strict();

const managedScaling = z
  .object({
    minCapacity: z.number().int().min(1).max(2000).default(2).describe("Fewest core + task instances (groups) or units (fleets)."),
    maxCapacity: z.number().int().min(1).max(2000).default(10).describe("Most core + task instances (groups) or units (fleets)."),
    maxOnDemandCapacity: z.number().int().min(0).optional().describe("Cap on on-demand units; the rest of the range is spot. Omitted: no cap."),
    maxCoreCapacity: z.number().int().min(1).optional().describe("Cap on core units; the rest is task nodes (HDFS never grows past this)."),
  })
  .strict();

const classifications = z
  .object({
    sparkDefaults: z.record(z.string(), z.string()).default({}).describe("Merged over the builder's spark-defaults (dynamic allocation, AQE, Kryo, Arrow)."),
    sparkEnv: z.record(z.string(), z.string()).default({}),
    yarnSite: z.record(z.string(), z.string()).default({}),
    capacityScheduler: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const bootstrapAction = z
  .object({
    name: z.string().min(1).max(256),
    path: z.string().regex(S3_URI, "not an s3:// URI; fix: s3://bucket/key.sh"),
    args: z.array(z.string()).default([]),
  })
  .strict();

const network = z.discriminatedUnion("mode", [
  z
    .object({
      mode: z.literal("create"),
      vpcCidr: z.string().default("10.40.0.0/16").describe("IPv4, /16 to /24."),
      availabilityZones: z.number().int().min(2).max(6).default(2).describe("Private subnets, one per AZ; EMR places the cluster in the first, the rest are for failover."),
      natGateways: z.enum(["single", "per-az"]).default("single").describe("One NAT gateway keeps dev cheap; one per AZ survives an AZ outage."),
      zoneNames: z
        .array(z.string().regex(/^[a-z]{2}(?:-gov)?-[a-z]+-\d[a-z]$/, "not an availability zone name; fix: e.g. eu-west-1a"))
        .optional()
        .describe("Zones for the private subnets, in order; default: the region's first availabilityZones zones (a, b, c, …)."),
    })
    .strict(),
  z
    .object({
      mode: z.literal("existing"),
      vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "not a VPC id; fix: vpc-0123456789abcdef0"),
      subnetIds: z
        .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "not a subnet id; fix: subnet-0123456789abcdef0"))
        .min(1),
    })
    .strict(),
]);

const access = z
  .object({
    adminCidrs: z.array(z.string()).default([]).describe("Who may reach SSH and (if enabled) the web UIs. Never 0.0.0.0/0."),
    keyPairName: z.string().min(1).optional().describe("EC2 key pair for SSH; SSH ingress exists only when this is set."),
    webUiIngress: z.boolean().default(false).describe("Open YARN/Spark/Zeppelin/HDFS UI ports to adminCidrs. Default: reach them through SSH tunnels."),
  })
  .strict();

const tls = z
  .object({
    certificateZipS3Uri: z.string().regex(S3_URI, "not an s3:// URI; fix: s3://bucket/path/certs.zip").optional().describe("A zip of PEM files (privateKey.pem, certificateChain.pem, trustedCertificates.pem) in S3. Required in prod."),
    certificateKmsKeyArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, "not a KMS key ARN; fix: arn:aws:kms:<region>:<account>:key/<key id>")
      .optional()
      .describe("KMS key of the certificate zip when its bucket encrypts it with SSE-KMS; the nodes get kms:Decrypt on it."),
    generatedValidityHours: z.number().int().min(24).max(87600).default(8760).describe("Validity of the generated self-signed certificate when no zip is named (non-prod only)."),
  })
  .strict();

const stateBackend = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("s3"),
      bucket: z.string().describe("An existing bucket (S3 naming rules apply)."),
      /** @default "emr-platform/<env>/terraform.tfstate" */
      key: z.string().optional(),
      region: z.string().regex(REGION).optional(),
    })
    .strict(),
  z.object({ type: z.literal("local"), path: z.string().optional() }).strict(),
]);

export const environmentSchema = z
  .object({
    name: z.enum(ENVIRONMENT_NAMES).describe("Environment name; the stack is emr-<name>."),
    project: z.string().default("emr-platform").describe("Prefix of every resource name: <project>-<env>."),
    owner: z.string().min(1).default("platform-team").describe("Owner tag on every resource."),
    region: z.string().regex(REGION, "not an AWS region; fix: e.g. eu-west-1").describe("AWS region of the stack."),
    accountId: z.string().regex(/^\d{12}$/, "not a 12-digit AWS account id").optional().describe("The operator CLI refuses to deploy when the credentials belong to another account."),
    endpoint: z.url({ message: "not a URL; fix: e.g. http://localhost:5000" }).optional().describe("Point every AWS client at a local AWS endpoint (moto's server). Only the `local` environment uses it."),
    network: network.prefault({ mode: "create" }).describe("create: a new VPC with private subnets; existing: your VPC and private subnets."),
    access: access.prefault({}).describe("Operator access to the master node."),
    releaseLabel: z
      .string()
      .regex(RELEASE_LABEL, "not an EMR release label; fix: emr-x.y.z (e.g. emr-7.12.0) or emr-spark-x.y.z")
      .default(DEFAULT_RELEASE_LABEL).describe("EMR release: emr-x.y.z (emr-7 ships Spark 3.5) or emr-spark-x.y.z (Spark 4)."),
    applications: z.array(z.enum(KNOWN_APPLICATIONS)).min(1).default(["Hadoop", "Spark", "Livy", "Zeppelin"]).describe("EMR applications to install."),
    instances: z
      .object({
        master: instanceGroup(GROUP_DEFAULTS.master),
        core: instanceGroup(GROUP_DEFAULTS.core),
        task: instanceGroup(GROUP_DEFAULTS.task).describe("Task nodes: compute only, no HDFS, so spot interruptions lose no data."),
      })
      .strict()
      .prefault({}).describe("Instance groups: master (1 or 3), core (HDFS + compute), task (compute only)."),
    fleets: fleets
      .optional()
      .describe("Instance fleets instead of `instances` (groups): several types per node role, spot and on-demand units, every private subnet offered. Scaling is managed only, in units."),
    scaling: z
      .object({ autoscaling: customAutoscaling.optional(), managed: managedScaling.optional() })
      .strict()
      .prefault({}).describe("Either custom autoscaling rules on the task group, or EMR managed scaling; never both."),
    classifications: classifications.prefault({}).describe("Overrides merged over the built-in Spark/YARN configuration."),
    autoTermination: z
      .object({
        enabled: z.boolean().default(true),
        idleTimeoutSeconds: z
          .number()
          .int()
          .min(60, "is below EMR's 60 s minimum; fix: e.g. 3600 for one idle hour")
          .max(604800, "is above EMR's 604800 s (7 days) maximum; fix: e.g. 3600 for one idle hour")
          .default(3600),
      })
      .strict()
      .prefault({}).describe("Terminate the cluster after this long without work (EMR allows 60–604800 s)."),
    terminationProtection: z.boolean().default(false).describe("Refuse API termination; destroy needs --force, which turns it off first."),
    stepConcurrency: z
      .number()
      .int()
      .min(1, "is below 1 (EMR's limits are 1–256); fix: 1 runs steps one at a time")
      .max(256, "is above 256 (EMR's limits are 1–256); fix: e.g. 10")
      .default(1).describe("Steps that may run at once (1–256)."),
    bootstrapActions: z.array(bootstrapAction).default([]).describe("Extra bootstrap scripts, run after the built-in Python dependency install."),
    unhealthyNodeReplacement: z.boolean().default(true).describe("Replace unhealthy core/task nodes instead of terminating the cluster."),
    logging: z
      .object({ retentionDays: z.number().int().min(1).max(3650).default(30) })
      .strict()
      .prefault({}).describe("Retention of EMR logs, S3 access logs and VPC flow logs in the logs bucket."),
    storage: z
      .object({
        forceDestroy: z.boolean().default(false).describe("Let `destroy` delete non-empty buckets. Off by default: data outlives clusters."),
        noncurrentVersionDays: z.number().int().min(1).max(3650).default(30).describe("Days before noncurrent object versions expire."),
      })
      .strict()
      .prefault({}).describe("Bucket deletion and versioning hygiene."),
    tls: tls.prefault({}).describe("In-transit encryption certificates."),
    alarms: z
      .object({
        enabled: z.boolean().default(true),
        emails: z.array(z.email({ message: "not an email address; fix: e.g. oncall@example.com" })).default([]),
        yarnMemoryAvailableBelowPercent: z.number().min(0).max(100).default(10).describe("Alarm when available YARN memory stays below this percentage."),
        hdfsUtilizationAbovePercent: z.number().min(0).max(100).default(80),
      })
      .strict()
      .prefault({}).describe("CloudWatch alarms and their SNS subscriptions."),
    kinesisStreamArns: z
      .array(z.string().regex(/^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]+$/, "not a Kinesis stream ARN"))
      .default([]).describe("Kinesis stream ARNs the jobs may read."),
    tags: z.record(z.string(), z.string()).default({}).describe("Extra tags on every resource."),
    stateBackend: stateBackend.default({ type: "local" }).describe("Terraform state: s3 (with lockfile locking) or local."),
    catalog: catalogSchema.prefault({}).describe("The Glue Data Catalog of the job outputs and the Athena workgroup (environments/catalog.ts)."),
    streaming: streamingSchema.prefault({}).describe("Market ticks on Kinesis, processed by Structured Streaming on the cluster; off unless enabled (environments/streaming.ts)."),
    serverless: serverlessSchema.prefault({}).describe("EMR Serverless: a Spark application beside the cluster, off unless enabled (environments/serverless.ts)."),
    pipelines: environmentPipelinesSchema.default({}).describe("Pipelines (environments/pipelines.ts) this environment runs: schedule on/off, capacity."),
  })
  .strict()
  // `when`: run the checks even when a field failed, so one message lists every fault (the checks read defensively).
  .superRefine((env, ctx) => runConfigChecks(env, (path, message) => ctx.addIssue({ code: "custom", path, message })), { when: () => true });

/** What an environment file writes: every defaulted field optional. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** What modules receive: validated, every default filled in. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type InstanceGroupConfig = EnvironmentConfig["instances"]["master"];
export type FleetsConfig = NonNullable<EnvironmentConfig["fleets"]>;
export type InstanceFleetConfig = FleetsConfig["master"];
export type FleetInstanceTypeConfig = InstanceFleetConfig["instanceTypes"][number];
export type ScalingConfig = EnvironmentConfig["scaling"];
export type ClassificationsConfig = EnvironmentConfig["classifications"];
