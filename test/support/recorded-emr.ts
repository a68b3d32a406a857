/**
 * An EMR client stand-in that answers from recorded AWS response shapes, for what moto cannot simulate: steps that
 * reach COMPLETED or FAILED, clusters that end TERMINATED_WITH_ERRORS, managed scaling. The shapes follow the
 * EMR API reference (DescribeCluster, DescribeStep, GetManagedScalingPolicy) as the SDK deserialises them (Dates).
 */
import type { Cluster, EMRClient, Step } from "@aws-sdk/client-emr";

type Handler = (input: Record<string, unknown>) => unknown;

export interface RecordedEmr {
  client: EMRClient;
  /** Command names in call order (e.g. "DescribeClusterCommand"). */
  calls: { command: string; input: Record<string, unknown> }[];
}

/** `handlers` by command class name; each call shifts the next answer off an array, or repeats a single answer. */
export function recordedEmr(handlers: Record<string, Handler | unknown[]>): RecordedEmr {
  const calls: RecordedEmr["calls"] = [];
  const queues = new Map<string, unknown[]>();
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      calls.push({ command: name, input: command.input });
      const handler = handlers[name];
      if (handler === undefined) throw Object.assign(new Error(`recordedEmr: no answer for ${name}`), { name: "UnexpectedCall" });
      if (typeof handler === "function") return handler(command.input);
      if (!queues.has(name)) queues.set(name, [...handler]);
      const queue = queues.get(name)!;
      const answer = queue.length > 1 ? queue.shift() : queue[0];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as EMRClient;
  return { client, calls };
}

const created = new Date("2026-01-01T10:00:00Z");

/** DescribeCluster as AWS returns it while a cluster starts (recorded shape). */
export function clusterIn(state: NonNullable<Cluster["Status"]>["State"], overrides: Partial<Cluster> = {}): { Cluster: Cluster } {
  return {
    Cluster: {
      Id: "j-2AXXXXXXGAPLF",
      Name: "emr-platform-dev",
      Status: { State: state, StateChangeReason: {}, Timeline: { CreationDateTime: created } },
      ReleaseLabel: "emr-7.12.0",
      LogUri: "s3n://emr-platform-dev-logs/emr/",
      Applications: [{ Name: "Hadoop", Version: "3.4.1" }, { Name: "Spark", Version: "3.5.6" }],
      TerminationProtected: false,
      Tags: [{ Key: "Environment", Value: "dev" }, { Key: "Project", Value: "emr-platform" }],
      ...overrides,
    },
  };
}

/** A cluster that failed to start: the StateChangeReason AWS gives for a bootstrap failure (recorded shape). */
export const TERMINATED_WITH_ERRORS = clusterIn("TERMINATED_WITH_ERRORS", {
  Status: {
    State: "TERMINATED_WITH_ERRORS",
    StateChangeReason: {
      Code: "BOOTSTRAP_FAILURE",
      Message: "On the master instance (i-0123456789abcdef0), bootstrap action 1 returned a non-zero return code",
    },
    Timeline: { CreationDateTime: created, EndDateTime: new Date("2026-01-01T10:09:00Z") },
  },
});

export function stepIn(state: NonNullable<Step["Status"]>["State"], overrides: Partial<Step> = {}): { Step: Step } {
  return {
    Step: {
      Id: "s-3RXXXXXXXXXXX",
      Name: "test smoke_test 20260101T000000Z-abcd",
      ActionOnFailure: "CONTINUE",
      Config: { Jar: "command-runner.jar", Args: ["spark-submit"], Properties: {} },
      Status: {
        State: state,
        StateChangeReason: {},
        Timeline: { CreationDateTime: created, StartDateTime: new Date("2026-01-01T10:00:05Z"), ...(state === "PENDING" || state === "RUNNING" ? {} : { EndDateTime: new Date("2026-01-01T10:01:35Z") }) },
      },
      ...overrides,
    },
  };
}

/** A failed step: DescribeStep's FailureDetails as AWS fills them when it could parse the log (recorded shape). */
export const FAILED_STEP = stepIn("FAILED", {
  Status: {
    State: "FAILED",
    StateChangeReason: {},
    FailureDetails: {
      Reason: "Unknown Error.",
      Message: "Exception in thread \"main\" org.apache.spark.SparkException: Application application_1_0001 finished with failed status",
      LogFile: "s3://emr-platform-dev-logs/emr/j-2AXXXXXXGAPLF/steps/s-3RXXXXXXXXXXX/stderr.gz",
    },
    Timeline: { CreationDateTime: created, StartDateTime: new Date("2026-01-01T10:00:05Z"), EndDateTime: new Date("2026-01-01T10:00:45Z") },
  },
});

/** GetManagedScalingPolicy for a cluster with managed scaling (recorded shape). */
export const MANAGED_SCALING = {
  ManagedScalingPolicy: {
    ComputeLimits: { UnitType: "Instances", MinimumCapacityUnits: 4, MaximumCapacityUnits: 20, MaximumOnDemandCapacityUnits: 4, MaximumCoreCapacityUnits: 4 },
  },
};

/** GetManagedScalingPolicy for an instance-fleets cluster: limits in InstanceFleetUnits (recorded shape). */
export const MANAGED_SCALING_UNITS = {
  ManagedScalingPolicy: {
    ComputeLimits: { UnitType: "InstanceFleetUnits", MinimumCapacityUnits: 4, MaximumCapacityUnits: 20, MaximumOnDemandCapacityUnits: 4, MaximumCoreCapacityUnits: 4 },
  },
};

const fleetEbs = { EbsBlockDevices: [{ VolumeSpecification: { VolumeType: "gp3", SizeInGB: 200, Iops: 3000 }, Device: "/dev/sdb" }], EbsOptimized: true };

/**
 * ListInstanceFleets for prod's shape, running (recorded shape per the EMR API reference, InstanceFleet): moto answers
 * this call with HTTP 500, so `info` on fleets is tested here. The task fleet has scaled to 6 spot units.
 */
export const INSTANCE_FLEETS = {
  InstanceFleets: [
    {
      Id: "if-3TASKXXXXXXX",
      Name: "task",
      Status: { State: "RUNNING", StateChangeReason: {}, Timeline: { CreationDateTime: created } },
      InstanceFleetType: "TASK",
      TargetOnDemandCapacity: 0,
      TargetSpotCapacity: 6,
      ProvisionedOnDemandCapacity: 0,
      ProvisionedSpotCapacity: 6,
      InstanceTypeSpecifications: [
        { InstanceType: "r6i.2xlarge", WeightedCapacity: 1, BidPriceAsPercentageOfOnDemandPrice: 100, EbsBlockDevices: fleetEbs.EbsBlockDevices, EbsOptimized: true },
        { InstanceType: "r5.2xlarge", WeightedCapacity: 1, BidPriceAsPercentageOfOnDemandPrice: 100, EbsBlockDevices: fleetEbs.EbsBlockDevices, EbsOptimized: true },
        { InstanceType: "r6i.4xlarge", WeightedCapacity: 2, BidPriceAsPercentageOfOnDemandPrice: 100, EbsBlockDevices: fleetEbs.EbsBlockDevices, EbsOptimized: true },
      ],
      LaunchSpecifications: {
        SpotSpecification: { TimeoutDurationMinutes: 10, TimeoutAction: "SWITCH_TO_ON_DEMAND", AllocationStrategy: "price-capacity-optimized" },
        OnDemandSpecification: { AllocationStrategy: "lowest-price" },
      },
    },
    {
      Id: "if-1MASTERXXXXX",
      Name: "master",
      Status: { State: "RUNNING", StateChangeReason: {}, Timeline: { CreationDateTime: created } },
      InstanceFleetType: "MASTER",
      TargetOnDemandCapacity: 1,
      TargetSpotCapacity: 0,
      ProvisionedOnDemandCapacity: 1,
      ProvisionedSpotCapacity: 0,
      InstanceTypeSpecifications: [{ InstanceType: "m6i.2xlarge", WeightedCapacity: 1, BidPriceAsPercentageOfOnDemandPrice: 100 }],
    },
    {
      Id: "if-2COREXXXXXXX",
      Name: "core",
      Status: { State: "RUNNING", StateChangeReason: {}, Timeline: { CreationDateTime: created } },
      InstanceFleetType: "CORE",
      TargetOnDemandCapacity: 4,
      TargetSpotCapacity: 0,
      ProvisionedOnDemandCapacity: 4,
      ProvisionedSpotCapacity: 0,
      InstanceTypeSpecifications: [
        { InstanceType: "r6i.2xlarge", WeightedCapacity: 1 },
        { InstanceType: "r5.2xlarge", WeightedCapacity: 1 },
      ],
      LaunchSpecifications: { OnDemandSpecification: { AllocationStrategy: "lowest-price" } },
    },
  ],
};

const instance = (n: number, fleet: string, type: string, market: "ON_DEMAND" | "SPOT") => ({
  Id: `ci-${fleet}${n}`,
  Ec2InstanceId: `i-0${n}${fleet.length}abcdef012345`,
  Status: { State: "RUNNING", StateChangeReason: {}, Timeline: { CreationDateTime: created } },
  InstanceFleetId: fleet,
  Market: market,
  InstanceType: type,
});

/** ListInstances for that cluster in two pages (recorded shape; Marker continues the listing). */
export const FLEET_INSTANCES_PAGES = [
  {
    Instances: [
      instance(1, "if-1MASTERXXXXX", "m6i.2xlarge", "ON_DEMAND"),
      ...[2, 3, 4].map((n) => instance(n, "if-2COREXXXXXXX", "r6i.2xlarge", "ON_DEMAND")),
      instance(5, "if-2COREXXXXXXX", "r5.2xlarge", "ON_DEMAND"),
    ],
    Marker: "page-2",
  },
  {
    Instances: [
      ...[6, 7].map((n) => instance(n, "if-3TASKXXXXXXX", "r6i.4xlarge", "SPOT")),
      ...[8, 9].map((n) => instance(n, "if-3TASKXXXXXXX", "r5.2xlarge", "SPOT")),
    ],
  },
];
