/**
 * The one cluster definition: a pure, provider-free description of an EMR cluster, built from the environment
 * config and the ARNs/ids of what the cluster uses, in either capacity shape of the capacity model (instance groups
 * in one subnet, or instance fleets offered every private subnet). PlatformCluster renders it as Terraform `aws_emr_cluster`;
 * the pipeline module renders it as RunJobFlow parameters for a transient cluster. Both read every field from here,
 * so the two cannot drift (test/modules/cluster-spec.test.ts compares them field by field).
 */
import { ConfigError } from "../../environments/errors";
import type { EnvironmentConfig, InstanceFleetConfig, InstanceGroupConfig } from "../../environments/schema";
import { EMR_ROLE, MANAGED_UNIT_TYPE, type EmrRole, type Market, type NodeRole } from "../../contracts/emr";
import { PREFIXES } from "../../contracts/stack-outputs";
import { renderAutoscalingPolicy } from "./autoscaling-policy";
import { spotBidPrice } from "./bid-price";
import { capacityShape, hasTaskNodes } from "./capacity-model";
import { buildClassifications, type EmrConfiguration } from "./classifications";

/** Root volume per node: room for the OS, the pip-installed wheels and YARN/Spark logs before they ship to S3. */
export const ROOT_VOLUME_GIB = 32;
/** EMR 7.2 introduced YARN node labels by market type (ApplicationMasters on on-demand nodes). */
const AM_LABELS_SINCE: readonly [number, number] = [7, 2];

export function releaseVersion(label: string): [number, number, number] | undefined {
  const match = /^emr-(\d+)\.(\d+)\.(\d+)$/.exec(label);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** What a cluster references: ARNs, names and ids (CDKTF tokens in a stack, plain strings in tests). */
export interface ClusterReferences {
  readonly name: string;
  /** The subnet an instance-groups cluster launches in. */
  readonly subnetId: string;
  /** Every private subnet: an instance-fleets cluster is offered them all and EMR picks the zone with capacity. */
  readonly subnetIds: readonly string[];
  readonly serviceRoleArn: string;
  /** Terraform takes the instance profile ARN, RunJobFlow its name: both are kept. */
  readonly instanceProfileArn: string;
  readonly instanceProfileName: string;
  readonly autoscalingRoleArn?: string;
  readonly securityConfigurationName: string;
  readonly masterSecurityGroupId: string;
  readonly coreSecurityGroupId: string;
  readonly serviceAccessSecurityGroupId: string;
  readonly logsBucketName: string;
  readonly bootstrapUri: string;
}

export interface InstanceGroupSpec {
  readonly role: EmrRole;
  readonly name: string;
  readonly instanceType: string;
  readonly count: number;
  readonly market: Market;
  readonly bidPrice?: string;
  readonly ebs: { readonly type: "gp3"; readonly sizeGb: number; readonly iops: number; readonly throughputMiBps: number; readonly volumesPerInstance: number };
}

/** One fleet (EMR InstanceFleetConfig): target units per market, the types that may fill them, launch specifications. */
export interface InstanceFleetSpec {
  readonly role: EmrRole;
  readonly name: string;
  readonly targetOnDemandCapacity: number;
  readonly targetSpotCapacity: number;
  readonly instanceTypes: readonly {
    readonly instanceType: string;
    readonly weightedCapacity: number;
    readonly bidPriceAsPercentageOfOnDemandPrice?: number;
    /** No throughput: provider-aws 6.25's fleet ebs_config has none, so neither rendering sends one. */
    readonly ebs: { readonly type: "gp3"; readonly sizeGb: number; readonly iops: number; readonly volumesPerInstance: number };
  }[];
  readonly spot?: { readonly allocationStrategy: string; readonly timeoutAction: string; readonly timeoutDurationMinutes: number };
  readonly onDemand?: { readonly allocationStrategy: string };
}

/** Managed scaling's compute limits, with the unit type of the cluster's shape. */
export interface ManagedScalingSpec {
  readonly unitType: "Instances" | "InstanceFleetUnits";
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly maxOnDemandCapacity?: number;
  readonly maxCoreCapacity?: number;
}

interface ClusterSpecBase {
  readonly name: string;
  readonly releaseLabel: string;
  readonly applications: readonly string[];
  readonly serviceRoleArn: string;
  readonly instanceProfileArn: string;
  readonly instanceProfileName: string;
  readonly autoscalingRoleArn?: string;
  readonly securityConfigurationName: string;
  /** `s3://<logs bucket>/emr/` (trailing slash: EMR normalizes to it, so anything else diffs forever). */
  readonly logUri: string;
  readonly configurations: readonly EmrConfiguration[];
  readonly ebsRootVolumeSize: number;
  readonly visibleToAllUsers: true;
  readonly terminationProtection: boolean;
  readonly stepConcurrencyLevel: number;
  readonly unhealthyNodeReplacement: boolean;
  readonly scaleDownBehavior: "TERMINATE_AT_TASK_COMPLETION";
  /** Seconds idle before EMR terminates the cluster; undefined = never. */
  readonly idleTimeoutSeconds?: number;
  readonly securityGroups: { readonly master: string; readonly core: string; readonly serviceAccess: string };
  readonly keyName?: string;
  readonly managedScaling?: ManagedScalingSpec;
  readonly bootstrapActions: readonly { readonly name: string; readonly path: string; readonly args: readonly string[] }[];
}

/** A cluster of instance groups: one type and market per role, in one subnet. */
export interface GroupsClusterSpec extends ClusterSpecBase {
  readonly instanceCollection: "groups";
  readonly subnetId: string;
  readonly master: InstanceGroupSpec;
  readonly core: InstanceGroupSpec;
  /** Present when a task group exists (task count > 0, custom autoscaling, or managed scaling with room beyond core). */
  readonly task?: InstanceGroupSpec;
  /** The task group's AutoScalingPolicy (plain JSON), when custom autoscaling is configured. */
  readonly autoscalingPolicyJson?: string;
}

/** A cluster of instance fleets, offered every private subnet. */
export interface FleetsClusterSpec extends ClusterSpecBase {
  readonly instanceCollection: "fleets";
  readonly subnetIds: readonly string[];
  readonly fleets: { readonly master: InstanceFleetSpec; readonly core: InstanceFleetSpec; readonly task?: InstanceFleetSpec };
}

export type ClusterSpec = GroupsClusterSpec | FleetsClusterSpec;

/** The part of the environment config a cluster definition reads. */
export type ClusterSpecConfig = Pick<
  EnvironmentConfig,
  | "access" | "applications" | "autoTermination" | "bootstrapActions" | "classifications" | "fleets" | "instances" | "region"
  | "releaseLabel" | "scaling" | "stepConcurrency" | "terminationProtection" | "unhealthyNodeReplacement"
>;

/**
 * Per-use overrides: a pipeline's capacity and its own idle timeout on a transient cluster. On fleets, coreCount and
 * taskCount are the fleet's target units: its on-demand target is kept up to that many, the rest is spot.
 */
export interface ClusterSpecOverrides {
  readonly name?: string;
  readonly coreCount?: number;
  readonly taskCount?: number;
  readonly coreInstanceType?: string;
  readonly taskInstanceType?: string;
  readonly idleTimeoutSeconds?: number;
  readonly terminationProtection?: boolean;
}

/** One instance group; its spot bid is numeric (bid-price.ts says why) and priced for the type actually used. */
function group(role: InstanceGroupSpec["role"], config: InstanceGroupConfig, count: number, instanceType: string, region: string): InstanceGroupSpec {
  const bidPrice = spotBidPrice(role.toLowerCase() as "master" | "core" | "task", { ...config, instanceType }, region);
  return {
    role,
    name: role.toLowerCase(),
    instanceType,
    count,
    market: config.market,
    ...(bidPrice !== undefined ? { bidPrice } : {}),
    ebs: {
      type: "gp3",
      sizeGb: config.ebs.sizeGb,
      iops: config.ebs.iops,
      throughputMiBps: config.ebs.throughputMiBps,
      volumesPerInstance: config.ebs.volumesPerInstance,
    },
  };
}

/** One fleet: the config's types and launch specifications, with the targets (possibly overridden) in units. */
function fleet(role: NodeRole, config: InstanceFleetConfig, units?: number): InstanceFleetSpec {
  const onDemand = units === undefined ? config.targetOnDemandCapacity : Math.min(config.targetOnDemandCapacity, units);
  const spot = units === undefined ? config.targetSpotCapacity : units - onDemand;
  return {
    role: EMR_ROLE[role],
    name: role,
    targetOnDemandCapacity: onDemand,
    targetSpotCapacity: spot,
    instanceTypes: config.instanceTypes.map((t) => ({
      instanceType: t.instanceType,
      weightedCapacity: t.weightedCapacity,
      ...(t.bidPriceAsPercentageOfOnDemandPrice !== undefined ? { bidPriceAsPercentageOfOnDemandPrice: t.bidPriceAsPercentageOfOnDemandPrice } : {}),
      ebs: { type: "gp3", sizeGb: t.ebs.sizeGb, iops: t.ebs.iops, volumesPerInstance: t.ebs.volumesPerInstance },
    })),
    ...(config.spot ? { spot: { allocationStrategy: config.spot.allocationStrategy, timeoutAction: config.spot.timeoutAction, timeoutDurationMinutes: config.spot.timeoutMinutes } } : {}),
    ...(config.onDemand ? { onDemand: { allocationStrategy: config.onDemand.allocationStrategy } } : {}),
  };
}

/** Builds every group, gathering all bid faults into one ConfigError (each names its field and the fix). */
function groups(build: (() => InstanceGroupSpec | undefined)[]): (InstanceGroupSpec | undefined)[] {
  const problems: string[] = [];
  const built = build.map((make) => {
    try {
      return make();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems.join("; "), problems);
  return built;
}

export function buildClusterSpec(config: ClusterSpecConfig, refs: ClusterReferences, overrides: ClusterSpecOverrides = {}): ClusterSpec {
  const shape = capacityShape(config);
  const autoscaling = shape === "groups" ? config.scaling.autoscaling : undefined;
  const managed = config.scaling.managed;
  const release = releaseVersion(config.releaseLabel);
  const coreOnDemand = config.fleets ? config.fleets.core.targetSpotCapacity === 0 : config.instances.core.market === "ON_DEMAND";
  const applicationMastersOnDemand =
    release !== undefined &&
    (release[0] > AM_LABELS_SINCE[0] || (release[0] === AM_LABELS_SINCE[0] && release[1] >= AM_LABELS_SINCE[1])) &&
    coreOnDemand;
  const idle = overrides.idleTimeoutSeconds ?? (config.autoTermination.enabled ? config.autoTermination.idleTimeoutSeconds : undefined);
  const base: ClusterSpecBase = {
    name: overrides.name ?? refs.name,
    releaseLabel: config.releaseLabel,
    applications: [...config.applications],
    serviceRoleArn: refs.serviceRoleArn,
    instanceProfileArn: refs.instanceProfileArn,
    instanceProfileName: refs.instanceProfileName,
    // No autoscaling role with fleets: only custom rules (groups) use it.
    ...(autoscaling && refs.autoscalingRoleArn ? { autoscalingRoleArn: refs.autoscalingRoleArn } : {}),
    securityConfigurationName: refs.securityConfigurationName,
    logUri: `s3://${refs.logsBucketName}/${PREFIXES.emrLogs}`,
    configurations: buildClassifications(config.classifications, { applicationMastersOnDemand }),
    ebsRootVolumeSize: ROOT_VOLUME_GIB,
    visibleToAllUsers: true,
    terminationProtection: overrides.terminationProtection ?? config.terminationProtection,
    stepConcurrencyLevel: config.stepConcurrency,
    unhealthyNodeReplacement: config.unhealthyNodeReplacement,
    scaleDownBehavior: "TERMINATE_AT_TASK_COMPLETION",
    ...(idle !== undefined ? { idleTimeoutSeconds: idle } : {}),
    securityGroups: { master: refs.masterSecurityGroupId, core: refs.coreSecurityGroupId, serviceAccess: refs.serviceAccessSecurityGroupId },
    ...(config.access.keyPairName ? { keyName: config.access.keyPairName } : {}),
    ...(managed ? { managedScaling: { unitType: MANAGED_UNIT_TYPE[shape], ...managed } } : {}),
    bootstrapActions: [
      { name: "install-python-deps", path: refs.bootstrapUri, args: [] },
      ...config.bootstrapActions.map((action) => ({ name: action.name, path: action.path, args: [...action.args] })),
    ],
  };

  if (config.fleets) {
    const fleets = config.fleets;
    return {
      ...base,
      instanceCollection: "fleets",
      subnetIds: [...refs.subnetIds],
      fleets: {
        master: fleet("master", fleets.master),
        core: fleet("core", fleets.core, overrides.coreCount),
        ...(fleets.task ? { task: fleet("task", fleets.task, overrides.taskCount) } : {}),
      },
    };
  }

  const { master, core, task } = config.instances;
  const taskCount = overrides.taskCount ?? task.count;
  const hasTaskGroup = hasTaskNodes(config, taskCount);
  // The rules move the count within [min, max]; start inside that range. Note: the provider sends 1 for a count of 0
  // (instance_group.go: `d.GetOk("instance_count")` treats 0 as unset), so a group configured at 0 starts with one
  // node until scaling takes it in; the README's first-apply checklist says what to watch.
  const taskStart = autoscaling ? Math.min(Math.max(taskCount, autoscaling.minCapacity), autoscaling.maxCapacity) : taskCount;
  const [masterGroup, coreGroup, taskGroup] = groups([
    () => group("MASTER", master, master.count, master.instanceType, config.region),
    () => group("CORE", core, overrides.coreCount ?? core.count, overrides.coreInstanceType ?? core.instanceType, config.region),
    () => (hasTaskGroup ? group("TASK", task, taskStart, overrides.taskInstanceType ?? task.instanceType, config.region) : undefined),
  ]);
  return {
    ...base,
    instanceCollection: "groups",
    subnetId: refs.subnetId,
    master: masterGroup!,
    core: coreGroup!,
    ...(taskGroup ? { task: taskGroup } : {}),
    ...(autoscaling ? { autoscalingPolicyJson: renderAutoscalingPolicy(autoscaling) } : {}),
  };
}
