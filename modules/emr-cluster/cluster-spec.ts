/**
 * The one cluster definition: a pure, provider-free description of an EMR cluster, built from the environment
 * config and the ARNs/ids of what the cluster uses. PlatformCluster renders it as Terraform `aws_emr_cluster`;
 * the pipeline module renders it as RunJobFlow parameters for a transient cluster. Both read every field from here,
 * so the two cannot drift (test/modules/cluster-spec.test.ts compares them field by field).
 */
import type { EnvironmentConfig, InstanceGroupConfig } from "../../environments/schema";
import { PREFIXES } from "../outputs";
import { renderAutoscalingPolicy } from "./autoscaling-policy";
import { buildClassifications, type EmrConfiguration } from "./classifications";

/** Root volume per node: room for the OS, the pip-installed wheels and YARN/Spark logs before they ship to S3. */
export const ROOT_VOLUME_GIB = 32;
/** EMR's value for "spot, capped at the on-demand price" (the Terraform provider infers SPOT from any bid price). */
export const ON_DEMAND_PRICE_CAP = "OnDemandPrice";
/** EMR 7.2 introduced YARN node labels by market type (ApplicationMasters on on-demand nodes). */
const AM_LABELS_SINCE: readonly [number, number] = [7, 2];
/** The tag AmazonEMRServicePolicy_v2 conditions on; a transient cluster carries it itself (no aspect runs there). */
export const EMR_MANAGED_POLICY_TAG = { key: "for-use-with-amazon-emr-managed-policies", value: "true" } as const;

export function releaseVersion(label: string): [number, number, number] | undefined {
  const match = /^emr-(\d+)\.(\d+)\.(\d+)$/.exec(label);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** What a cluster references: ARNs, names and ids (CDKTF tokens in a stack, plain strings in tests). */
export interface ClusterReferences {
  readonly name: string;
  readonly subnetId: string;
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
  readonly role: "MASTER" | "CORE" | "TASK";
  readonly name: string;
  readonly instanceType: string;
  readonly count: number;
  readonly market: "ON_DEMAND" | "SPOT";
  readonly bidPrice?: string;
  readonly ebs: { readonly type: "gp3"; readonly sizeGb: number; readonly iops: number; readonly throughputMiBps: number; readonly volumesPerInstance: number };
}

export interface ClusterSpec {
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
  readonly subnetId: string;
  readonly securityGroups: { readonly master: string; readonly core: string; readonly serviceAccess: string };
  readonly keyName?: string;
  readonly master: InstanceGroupSpec;
  readonly core: InstanceGroupSpec;
  /** Present when a task group exists (task count > 0 or custom autoscaling). */
  readonly task?: InstanceGroupSpec;
  /** The task group's AutoScalingPolicy (plain JSON), when custom autoscaling is configured. */
  readonly autoscalingPolicyJson?: string;
  readonly managedScaling?: EnvironmentConfig["scaling"]["managed"];
  readonly bootstrapActions: readonly { readonly name: string; readonly path: string; readonly args: readonly string[] }[];
}

/** Per-use overrides: a pipeline's capacity and its own idle timeout on a transient cluster. */
export interface ClusterSpecOverrides {
  readonly name?: string;
  readonly coreCount?: number;
  readonly taskCount?: number;
  readonly coreInstanceType?: string;
  readonly taskInstanceType?: string;
  readonly idleTimeoutSeconds?: number;
  readonly terminationProtection?: boolean;
}

function group(role: InstanceGroupSpec["role"], config: InstanceGroupConfig, count: number, instanceType: string): InstanceGroupSpec {
  return {
    role,
    name: role.toLowerCase(),
    instanceType,
    count,
    market: config.market,
    ...(config.market === "SPOT" ? { bidPrice: config.bidPrice ?? ON_DEMAND_PRICE_CAP } : {}),
    ebs: {
      type: "gp3",
      sizeGb: config.ebs.sizeGb,
      iops: config.ebs.iops,
      throughputMiBps: config.ebs.throughputMiBps,
      volumesPerInstance: config.ebs.volumesPerInstance,
    },
  };
}

export function buildClusterSpec(config: EnvironmentConfig, refs: ClusterReferences, overrides: ClusterSpecOverrides = {}): ClusterSpec {
  const { master, core, task } = config.instances;
  const autoscaling = config.scaling.autoscaling;
  const managed = config.scaling.managed;
  const release = releaseVersion(config.releaseLabel);
  const taskCount = overrides.taskCount ?? task.count;
  const applicationMastersOnDemand =
    release !== undefined &&
    (release[0] > AM_LABELS_SINCE[0] || (release[0] === AM_LABELS_SINCE[0] && release[1] >= AM_LABELS_SINCE[1])) &&
    core.market === "ON_DEMAND";
  // The rules move the count within [min, max]; start inside that range.
  const taskStart = autoscaling ? Math.min(Math.max(taskCount, autoscaling.minCapacity), autoscaling.maxCapacity) : taskCount;
  const idle = overrides.idleTimeoutSeconds ?? (config.autoTermination.enabled ? config.autoTermination.idleTimeoutSeconds : undefined);
  return {
    name: overrides.name ?? refs.name,
    releaseLabel: config.releaseLabel,
    applications: [...config.applications],
    serviceRoleArn: refs.serviceRoleArn,
    instanceProfileArn: refs.instanceProfileArn,
    instanceProfileName: refs.instanceProfileName,
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
    subnetId: refs.subnetId,
    securityGroups: { master: refs.masterSecurityGroupId, core: refs.coreSecurityGroupId, serviceAccess: refs.serviceAccessSecurityGroupId },
    ...(config.access.keyPairName ? { keyName: config.access.keyPairName } : {}),
    master: group("MASTER", master, master.count, master.instanceType),
    core: group("CORE", core, overrides.coreCount ?? core.count, overrides.coreInstanceType ?? core.instanceType),
    ...(taskCount > 0 || autoscaling !== undefined
      ? { task: group("TASK", task, taskStart, overrides.taskInstanceType ?? task.instanceType) }
      : {}),
    ...(autoscaling ? { autoscalingPolicyJson: renderAutoscalingPolicy(autoscaling) } : {}),
    ...(managed ? { managedScaling: managed } : {}),
    bootstrapActions: [
      { name: "install-python-deps", path: refs.bootstrapUri, args: [] },
      ...config.bootstrapActions.map((action) => ({ name: action.name, path: action.path, args: [...action.args] })),
    ],
  };
}
