/**
 * The transient cluster's RunJobFlow parameters (the `createCluster` integration takes RunJobFlow's request syntax),
 * rendered from the same ClusterSpec that PlatformCluster renders as `aws_emr_cluster`. Field names follow the EMR
 * API reference (RunJobFlow, JobFlowInstancesConfig, InstanceGroupConfig, InstanceFleetConfig, InstanceTypeConfig,
 * InstanceFleetProvisioningSpecifications, EbsConfiguration, AutoTerminationPolicy, ComputeLimits).
 */
import type { ClusterSpec, InstanceFleetSpec, InstanceGroupSpec } from "../emr-cluster/cluster-spec";
import { EMR_MANAGED_TAG_KEY, EMR_MANAGED_TAG_VALUE } from "../../contracts/emr";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function instanceGroup(group: InstanceGroupSpec, autoscalingPolicyJson?: string): Record<string, Json> {
  return {
    Name: group.name,
    InstanceRole: group.role,
    InstanceType: group.instanceType,
    InstanceCount: group.count,
    Market: group.market,
    ...(group.bidPrice ? { BidPrice: group.bidPrice } : {}),
    EbsConfiguration: {
      EbsBlockDeviceConfigs: [
        {
          VolumeSpecification: {
            VolumeType: group.ebs.type,
            SizeInGB: group.ebs.sizeGb,
            Iops: group.ebs.iops,
            // No Throughput: Step Functions' createCluster does not model it (policy/rules/sfn-definition-parameters.ts);
            // the volume gets gp3's baseline, and environments/checks.ts transientPipelineThroughput keeps the
            // environment's groups at that baseline so both renderings agree.
          },
          VolumesPerInstance: group.ebs.volumesPerInstance,
        },
      ],
    },
    ...(autoscalingPolicyJson ? { AutoScalingPolicy: JSON.parse(autoscalingPolicyJson) as Json } : {}),
  };
}

/** One InstanceFleetConfig. No Throughput in its EBS: the Terraform rendering cannot send one (provider 6.25), and the two must agree. */
function instanceFleet(fleet: InstanceFleetSpec): Record<string, Json> {
  return {
    Name: fleet.name,
    InstanceFleetType: fleet.role,
    TargetOnDemandCapacity: fleet.targetOnDemandCapacity,
    TargetSpotCapacity: fleet.targetSpotCapacity,
    InstanceTypeConfigs: fleet.instanceTypes.map((t) => ({
      InstanceType: t.instanceType,
      WeightedCapacity: t.weightedCapacity,
      ...(t.bidPriceAsPercentageOfOnDemandPrice !== undefined ? { BidPriceAsPercentageOfOnDemandPrice: t.bidPriceAsPercentageOfOnDemandPrice } : {}),
      EbsConfiguration: {
        EbsBlockDeviceConfigs: [{ VolumeSpecification: { VolumeType: t.ebs.type, SizeInGB: t.ebs.sizeGb, Iops: t.ebs.iops }, VolumesPerInstance: t.ebs.volumesPerInstance }],
      },
    })),
    ...(fleet.spot || fleet.onDemand
      ? {
          LaunchSpecifications: {
            ...(fleet.spot
              ? { SpotSpecification: { AllocationStrategy: fleet.spot.allocationStrategy, TimeoutAction: fleet.spot.timeoutAction, TimeoutDurationMinutes: fleet.spot.timeoutDurationMinutes } }
              : {}),
            ...(fleet.onDemand ? { OnDemandSpecification: { AllocationStrategy: fleet.onDemand.allocationStrategy } } : {}),
          },
        }
      : {}),
  };
}

/** The capacity part of JobFlowInstancesConfig: one subnet and instance groups, or every subnet and instance fleets. */
function capacity(spec: ClusterSpec): Record<string, Json> {
  if (spec.instanceCollection === "fleets") {
    return {
      Ec2SubnetIds: [...spec.subnetIds],
      InstanceFleets: [instanceFleet(spec.fleets.master), instanceFleet(spec.fleets.core), ...(spec.fleets.task ? [instanceFleet(spec.fleets.task)] : [])],
    };
  }
  return {
    Ec2SubnetId: spec.subnetId,
    InstanceGroups: [instanceGroup(spec.master), instanceGroup(spec.core), ...(spec.task ? [instanceGroup(spec.task, spec.autoscalingPolicyJson)] : [])],
  };
}

/**
 * RunJobFlow for a transient cluster. `tags` are what the provider's default_tags give the Terraform cluster plus
 * the EMR managed-policy tag (no aspect tags a cluster created at run time). createCluster requires
 * KeepJobFlowAliveWhenNoSteps true (the Step Functions EMR integration page); the idle auto-termination is what
 * ends a cluster whose execution was stopped.
 */
export function renderRunJobFlow(spec: ClusterSpec, tags: Readonly<Record<string, string>>): Record<string, Json> {
  if (spec.idleTimeoutSeconds === undefined) {
    throw new Error(`transient cluster ${spec.name} has no idle timeout; a stopped execution would leave it running`);
  }
  // The tag AmazonEMRServicePolicy_v2 conditions on: a transient cluster carries it itself (no aspect runs there).
  const allTags = { ...tags, [EMR_MANAGED_TAG_KEY]: EMR_MANAGED_TAG_VALUE };
  return {
    Name: spec.name,
    ReleaseLabel: spec.releaseLabel,
    Applications: spec.applications.map((name) => ({ Name: name })),
    ServiceRole: spec.serviceRoleArn,
    // RunJobFlow's JobFlowRole is the instance profile (by name), where Terraform takes its ARN.
    JobFlowRole: spec.instanceProfileName,
    ...(spec.autoscalingRoleArn ? { AutoScalingRole: spec.autoscalingRoleArn } : {}),
    SecurityConfiguration: spec.securityConfigurationName,
    LogUri: spec.logUri,
    Configurations: spec.configurations as unknown as Json,
    EbsRootVolumeSize: spec.ebsRootVolumeSize,
    VisibleToAllUsers: spec.visibleToAllUsers,
    StepConcurrencyLevel: spec.stepConcurrencyLevel,
    ScaleDownBehavior: spec.scaleDownBehavior,
    AutoTerminationPolicy: { IdleTimeout: spec.idleTimeoutSeconds },
    Instances: {
      KeepJobFlowAliveWhenNoSteps: true,
      TerminationProtected: spec.terminationProtection,
      // No UnhealthyNodeReplacement: Step Functions' createCluster does not model it (policy/rules/
      // sfn-definition-parameters.ts). A transient cluster is not termination-protected, so EMR's handling of an
      // unhealthy core node (terminate it) is what replacement would do too (API_SetUnhealthyNodeReplacement).
      ...capacity(spec),
      EmrManagedMasterSecurityGroup: spec.securityGroups.master,
      EmrManagedSlaveSecurityGroup: spec.securityGroups.core,
      ServiceAccessSecurityGroup: spec.securityGroups.serviceAccess,
      ...(spec.keyName ? { Ec2KeyName: spec.keyName } : {}),
    },
    ...(spec.managedScaling
      ? {
          ManagedScalingPolicy: {
            ComputeLimits: {
              UnitType: spec.managedScaling.unitType,
              MinimumCapacityUnits: spec.managedScaling.minCapacity,
              MaximumCapacityUnits: spec.managedScaling.maxCapacity,
              ...(spec.managedScaling.maxOnDemandCapacity !== undefined ? { MaximumOnDemandCapacityUnits: spec.managedScaling.maxOnDemandCapacity } : {}),
              ...(spec.managedScaling.maxCoreCapacity !== undefined ? { MaximumCoreCapacityUnits: spec.managedScaling.maxCoreCapacity } : {}),
            },
          },
        }
      : {}),
    BootstrapActions: spec.bootstrapActions.map((a) => ({ Name: a.name, ScriptBootstrapAction: { Path: a.path, Args: [...a.args] } })),
    Tags: Object.entries(allTags).map(([Key, Value]) => ({ Key, Value })),
  };
}
