/**
 * The EMR cluster, in either capacity shape of its definition (cluster-spec.ts): master and core instance groups on
 * the cluster with a separate task instance group that custom autoscaling rules or managed scaling act on; or master
 * and core instance fleets with a separate task `aws_emr_instance_fleet`, managed scaling in InstanceFleetUnits. Plus
 * our Spark/YARN classifications and a bootstrap action that installs the jobs' pinned Python dependencies.
 */
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { EmrCluster, type EmrClusterConfig, type EmrClusterCoreInstanceFleet, type EmrClusterCoreInstanceGroupEbsConfig } from "@cdktf/provider-aws/lib/emr-cluster";
import { EmrInstanceFleet } from "@cdktf/provider-aws/lib/emr-instance-fleet";
import { EmrInstanceGroup } from "@cdktf/provider-aws/lib/emr-instance-group";
import { EmrManagedScalingPolicy } from "@cdktf/provider-aws/lib/emr-managed-scaling-policy";
import type { EmrSecurityConfiguration } from "@cdktf/provider-aws/lib/emr-security-configuration";
import type { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ConfigError } from "../../environments/errors";
import { bootstrapObjectKey, DEFAULT_REQUIREMENTS_FILE, readRequirementPins, renderBootstrapScript } from "./bootstrap-script";
import {
  buildClusterSpec,
  type ClusterReferences,
  type ClusterSpec,
  type ClusterSpecConfig,
  type FleetsClusterSpec,
  type GroupsClusterSpec,
  type InstanceFleetSpec,
  type InstanceGroupSpec,
} from "./cluster-spec";
import { terraformLiteral } from "../../contracts/terraform-literal";

/** The part of the environment config the cluster reads: what its definition (cluster-spec.ts) reads. */
export type ClusterConfig = ClusterSpecConfig;

export interface PlatformClusterProps {
  /** The validated part of the environment config the cluster reads. */
  readonly config: ClusterConfig;
  /** Resource name prefix, e.g. "emr-platform-dev"; the cluster is named exactly this. */
  readonly name: string;
  /** The subnet of an instance-groups cluster. */
  readonly subnetId: string;
  /** Every private subnet, offered to an instance-fleets cluster. @default [subnetId] */
  readonly subnetIds?: readonly string[];
  readonly serviceRole: IamRole;
  readonly instanceProfile: IamInstanceProfile;
  /** Present exactly when config.scaling.autoscaling is set. */
  readonly autoscalingRole?: IamRole;
  readonly securityGroups: { readonly master: SecurityGroup; readonly core: SecurityGroup; readonly serviceAccess: SecurityGroup };
  readonly securityConfiguration: EmrSecurityConfiguration;
  readonly logsBucket: { readonly bucketName: string };
  readonly artifactsBucket: { readonly bucketName: string };
  /**
   * What the cluster must wait for: the IAM policy attachments, the private routes, route-table associations and S3
   * endpoint (bootstrap needs PyPI through the NAT and S3), and the security-group rule resources (created after EMR
   * adds its own rules, they can fail with InvalidPermission.Duplicate).
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The jobs' runtime pins the bootstrap action installs.
   * @default spark-jobs/requirements.txt at the repository root
   */
  readonly requirementsFile?: string;
}

/**
 * One fleet as provider-aws 6.25's `*_instance_fleet` block (the same shape aws_emr_instance_fleet takes). Its
 * ebs_config has iops, size, type and volumes_per_instance, and no throughput, so gp3 stays at 125 MiB/s.
 */
function fleetBlock(fleet: InstanceFleetSpec): EmrClusterCoreInstanceFleet {
  return {
    name: fleet.name,
    targetOnDemandCapacity: fleet.targetOnDemandCapacity,
    targetSpotCapacity: fleet.targetSpotCapacity,
    instanceTypeConfigs: fleet.instanceTypes.map((t) => ({
      instanceType: t.instanceType,
      weightedCapacity: t.weightedCapacity,
      ...(t.bidPriceAsPercentageOfOnDemandPrice !== undefined ? { bidPriceAsPercentageOfOnDemandPrice: t.bidPriceAsPercentageOfOnDemandPrice } : {}),
      ebsConfig: [{ type: t.ebs.type, size: t.ebs.sizeGb, iops: t.ebs.iops, volumesPerInstance: t.ebs.volumesPerInstance }],
    })),
    ...(fleet.spot || fleet.onDemand
      ? {
          launchSpecifications: {
            ...(fleet.onDemand ? { onDemandSpecification: [{ allocationStrategy: fleet.onDemand.allocationStrategy }] } : {}),
            ...(fleet.spot
              ? { spotSpecification: [{ allocationStrategy: fleet.spot.allocationStrategy, timeoutAction: fleet.spot.timeoutAction, timeoutDurationMinutes: fleet.spot.timeoutDurationMinutes }] }
              : {}),
          },
        }
      : {}),
  };
}

/** The cluster's capacity arguments for instance groups: one subnet, master and core groups. */
function groupArguments(spec: GroupsClusterSpec): Pick<EmrClusterConfig, "masterInstanceGroup" | "coreInstanceGroup"> & { subnet: { subnetId: string } } {
  return {
    subnet: { subnetId: spec.subnetId },
    masterInstanceGroup: {
      name: spec.master.name,
      instanceType: spec.master.instanceType,
      instanceCount: spec.master.count,
      ...(spec.master.bidPrice ? { bidPrice: spec.master.bidPrice } : {}),
      ebsConfig: [gp3(spec.master)],
    },
    coreInstanceGroup: {
      name: spec.core.name,
      instanceType: spec.core.instanceType,
      instanceCount: spec.core.count,
      ...(spec.core.bidPrice ? { bidPrice: spec.core.bidPrice } : {}),
      ebsConfig: [gp3(spec.core)],
    },
  };
}

/** The cluster's capacity arguments for instance fleets: every private subnet (ec2_attributes.subnet_ids), master and core fleets. */
function fleetArguments(spec: FleetsClusterSpec): Pick<EmrClusterConfig, "masterInstanceFleet" | "coreInstanceFleet"> & { subnet: { subnetIds: string[] } } {
  return { subnet: { subnetIds: [...spec.subnetIds] }, masterInstanceFleet: fleetBlock(spec.fleets.master), coreInstanceFleet: fleetBlock(spec.fleets.core) };
}

function gp3(group: InstanceGroupSpec): EmrClusterCoreInstanceGroupEbsConfig {
  return {
    type: group.ebs.type,
    size: group.ebs.sizeGb,
    iops: group.ebs.iops,
    throughput: group.ebs.throughputMiBps,
    volumesPerInstance: group.ebs.volumesPerInstance,
  };
}

export class PlatformCluster extends Construct {
  public readonly cluster: EmrCluster;
  /** `s3://<logs bucket>/emr/` (trailing slash: EMR normalizes to it, so anything else diffs forever). */
  public readonly logUri: string;
  public readonly bootstrapObject: S3Object;
  /** `s3://<artifacts bucket>/bootstrap/install-python-deps-<hash>.sh` */
  public readonly bootstrapUri: string;
  /** Instance groups: present when config.instances.task.count > 0, custom autoscaling, or managed room beyond core. */
  public readonly taskGroup?: EmrInstanceGroup;
  /** Instance fleets: present when config.fleets.task is set. */
  public readonly taskFleet?: EmrInstanceFleet;
  /** Present when config.scaling.managed is set. */
  public readonly managedScalingPolicy?: EmrManagedScalingPolicy;
  /** The classifications as sent to EMR (plain JSON, before Terraform escaping). */
  public readonly configurationsJson: string;
  /** The task group's AutoScalingPolicy as sent to EMR (plain JSON), when custom autoscaling is configured. */
  public readonly autoscalingPolicyJson?: string;
  /** The cluster definition this construct renders; transient pipeline clusters render the same one. */
  public readonly spec: ClusterSpec;
  /** What the cluster references; transient pipeline clusters build their spec from the same. */
  public readonly references: ClusterReferences;

  constructor(scope: Construct, id: string, props: PlatformClusterProps) {
    super(scope, id);
    const { config } = props;
    const autoscaling = config.scaling.autoscaling;
    const managed = config.scaling.managed;
    // Config rules live in environments/checks.ts; this guards only the construct's own props (and the spec's bids).
    const problems: string[] = [];
    if (autoscaling && !props.autoscalingRole) {
      problems.push("autoscalingRole: missing while scaling.autoscaling is set (EMR needs it to run the rules); fix: pass the iam module's autoscaling role");
    }
    let pins: string[] = [];
    try {
      pins = readRequirementPins(props.requirementsFile ?? DEFAULT_REQUIREMENTS_FILE);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
    }

    const script = renderBootstrapScript(pins);
    const bootstrapKey = bootstrapObjectKey(script);
    this.bootstrapObject = new S3Object(this, "bootstrap", {
      bucket: props.artifactsBucket.bucketName,
      key: bootstrapKey,
      content: terraformLiteral(script),
      contentType: "text/x-shellscript",
    });
    this.bootstrapUri = `s3://${props.artifactsBucket.bucketName}/${bootstrapKey}`;

    this.references = {
      name: props.name,
      subnetId: props.subnetId,
      subnetIds: props.subnetIds ?? [props.subnetId],
      serviceRoleArn: props.serviceRole.arn,
      instanceProfileArn: props.instanceProfile.arn,
      instanceProfileName: props.instanceProfile.name,
      autoscalingRoleArn: props.autoscalingRole?.arn,
      securityConfigurationName: props.securityConfiguration.name,
      masterSecurityGroupId: props.securityGroups.master.id,
      coreSecurityGroupId: props.securityGroups.core.id,
      serviceAccessSecurityGroupId: props.securityGroups.serviceAccess.id,
      logsBucketName: props.logsBucket.bucketName,
      bootstrapUri: this.bootstrapUri,
    };
    let built: ClusterSpec | undefined;
    try {
      built = buildClusterSpec(config, this.references);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...(error.problems.length ? error.problems : [error.message]));
    }
    if (problems.length > 0 || !built) {
      throw new ConfigError(`emr-cluster ${this.node.path}: ${problems.join("; ")}`, problems);
    }
    this.spec = built;
    const spec = built;
    this.logUri = spec.logUri;
    this.configurationsJson = JSON.stringify(spec.configurations);

    // Managed scaling resizes core itself; Terraform must not resize it back on the next apply.
    const coreScaled =
      spec.instanceCollection === "groups"
        ? ["core_instance_group[0].instance_count"]
        : ["core_instance_fleet[0].target_on_demand_capacity", "core_instance_fleet[0].target_spot_capacity"];
    const ignoreChanges = ["step", "kerberos_attributes", ...(managed ? coreScaled : [])];
    const { subnet, ...capacity } = spec.instanceCollection === "groups" ? groupArguments(spec) : fleetArguments(spec);

    this.cluster = new EmrCluster(this, "cluster", {
      name: spec.name,
      releaseLabel: spec.releaseLabel,
      applications: [...spec.applications],
      serviceRole: spec.serviceRoleArn,
      ...(spec.autoscalingRoleArn ? { autoscalingRole: spec.autoscalingRoleArn } : {}),
      securityConfiguration: spec.securityConfigurationName,
      logUri: spec.logUri,
      configurationsJson: terraformLiteral(this.configurationsJson),
      ebsRootVolumeSize: spec.ebsRootVolumeSize,
      keepJobFlowAliveWhenNoSteps: true,
      // Custom autoscaling requires it; it also lets operators with EMR permissions see the cluster.
      visibleToAllUsers: spec.visibleToAllUsers,
      terminationProtection: spec.terminationProtection,
      stepConcurrencyLevel: spec.stepConcurrencyLevel,
      unhealthyNodeReplacement: spec.unhealthyNodeReplacement,
      scaleDownBehavior: spec.scaleDownBehavior,
      ...(spec.idleTimeoutSeconds !== undefined ? { autoTerminationPolicy: { idleTimeout: spec.idleTimeoutSeconds } } : {}),
      ec2Attributes: {
        ...subnet,
        instanceProfile: spec.instanceProfileArn,
        emrManagedMasterSecurityGroup: spec.securityGroups.master,
        emrManagedSlaveSecurityGroup: spec.securityGroups.core,
        serviceAccessSecurityGroup: spec.securityGroups.serviceAccess,
        ...(spec.keyName ? { keyName: spec.keyName } : {}),
      },
      ...capacity,
      bootstrapAction: spec.bootstrapActions.map((action) => ({ name: action.name, path: action.path, args: [...action.args] })),
      dependsOn: [...(props.dependsOn ?? []), this.bootstrapObject],
      lifecycle: { ignoreChanges },
    });

    if (spec.instanceCollection === "groups" && spec.task) {
      this.autoscalingPolicyJson = spec.autoscalingPolicyJson;
      this.taskGroup = new EmrInstanceGroup(this, "task", {
        clusterId: this.cluster.id,
        name: spec.task.name,
        instanceType: spec.task.instanceType,
        instanceCount: spec.task.count,
        ...(spec.task.bidPrice ? { bidPrice: spec.task.bidPrice } : {}),
        ebsConfig: [
          { type: spec.task.ebs.type, size: spec.task.ebs.sizeGb, iops: spec.task.ebs.iops, volumesPerInstance: spec.task.ebs.volumesPerInstance },
        ],
        ...(this.autoscalingPolicyJson ? { autoscalingPolicy: terraformLiteral(this.autoscalingPolicyJson) } : {}),
        // Scaling changes the running count; Terraform must not undo it on every apply.
        ...(autoscaling || managed ? { lifecycle: { ignoreChanges: ["instance_count"] } } : {}),
      });
    }

    if (spec.instanceCollection === "fleets" && spec.fleets.task) {
      this.taskFleet = new EmrInstanceFleet(this, "task", {
        clusterId: this.cluster.id,
        ...fleetBlock(spec.fleets.task),
        // Managed scaling owns the task fleet's targets; Terraform resetting them would fight the scaler.
        ...(managed ? { lifecycle: { ignoreChanges: ["target_on_demand_capacity", "target_spot_capacity"] } } : {}),
      });
    }

    if (managed) {
      this.managedScalingPolicy = new EmrManagedScalingPolicy(this, "managed-scaling", {
        clusterId: this.cluster.id,
        computeLimits: [
          {
            unitType: spec.managedScaling!.unitType,
            minimumCapacityUnits: spec.managedScaling!.minCapacity,
            maximumCapacityUnits: spec.managedScaling!.maxCapacity,
            ...(managed.maxOnDemandCapacity !== undefined ? { maximumOndemandCapacityUnits: managed.maxOnDemandCapacity } : {}),
            ...(managed.maxCoreCapacity !== undefined ? { maximumCoreCapacityUnits: managed.maxCoreCapacity } : {}),
          },
        ],
      });
    }
  }
}
