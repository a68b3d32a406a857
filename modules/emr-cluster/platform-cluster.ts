/**
 * The EMR cluster: master and core instance groups on the cluster, a separate task instance group (spot by default)
 * that custom autoscaling rules act on, or EMR managed scaling; our Spark/YARN classifications; and a bootstrap
 * action that installs the jobs' pinned Python dependencies from an S3 object uploaded before the cluster.
 */
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { EmrCluster, type EmrClusterCoreInstanceGroupEbsConfig } from "@cdktf/provider-aws/lib/emr-cluster";
import { EmrInstanceGroup } from "@cdktf/provider-aws/lib/emr-instance-group";
import { EmrManagedScalingPolicy } from "@cdktf/provider-aws/lib/emr-managed-scaling-policy";
import type { EmrSecurityConfiguration } from "@cdktf/provider-aws/lib/emr-security-configuration";
import type { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ConfigError } from "../../environments/errors";
import type { EnvironmentConfig, InstanceGroupConfig } from "../../environments/schema";
import { PREFIXES } from "../outputs";
import { renderAutoscalingPolicy } from "./autoscaling-policy";
import { bootstrapObjectKey, DEFAULT_REQUIREMENTS_FILE, readRequirementPins, renderBootstrapScript } from "./bootstrap-script";
import { renderConfigurationsJson } from "./classifications";
import { terraformLiteral } from "../core/terraform-literal";

/** The part of the environment config the cluster reads. */
export type ClusterConfig = Pick<
  EnvironmentConfig,
  | "access"
  | "applications"
  | "autoTermination"
  | "bootstrapActions"
  | "classifications"
  | "instances"
  | "region"
  | "releaseLabel"
  | "scaling"
  | "stepConcurrency"
  | "terminationProtection"
  | "unhealthyNodeReplacement"
>;

export interface PlatformClusterProps {
  /** The validated part of the environment config the cluster reads. */
  readonly config: ClusterConfig;
  /** Resource name prefix, e.g. "emr-platform-dev"; the cluster is named exactly this. */
  readonly name: string;
  readonly subnetId: string;
  readonly serviceRole: IamRole;
  readonly instanceProfile: IamInstanceProfile;
  /** Present exactly when config.scaling.autoscaling is set. */
  readonly autoscalingRole?: IamRole;
  readonly securityGroups: { readonly master: SecurityGroup; readonly core: SecurityGroup; readonly serviceAccess: SecurityGroup };
  readonly securityConfiguration: EmrSecurityConfiguration;
  readonly logsBucket: { readonly bucketName: string };
  readonly artifactsBucket: { readonly bucketName: string };
  /** IAM policy attachments the cluster must wait for. */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The jobs' runtime pins the bootstrap action installs.
   * @default spark-jobs/requirements.txt at the repository root
   */
  readonly requirementsFile?: string;
}

/** Root volume per node: room for the OS, the pip-installed wheels and YARN/Spark logs before they ship to S3. */
export const ROOT_VOLUME_GIB = 32;
/** EMR's value for "spot, capped at the on-demand price" (the Terraform provider infers SPOT from any bid price). */
const ON_DEMAND_PRICE_CAP = "OnDemandPrice";
/** EMR 7.2 introduced YARN node labels by market type (ApplicationMasters on on-demand nodes). */
const AM_LABELS_SINCE: readonly [number, number] = [7, 2];

function releaseVersion(label: string): [number, number, number] | undefined {
  const match = /^emr-(\d+)\.(\d+)\.(\d+)$/.exec(label);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function bidPrice(group: InstanceGroupConfig): string | undefined {
  return group.market === "SPOT" ? (group.bidPrice ?? ON_DEMAND_PRICE_CAP) : undefined;
}

function gp3(group: InstanceGroupConfig): EmrClusterCoreInstanceGroupEbsConfig {
  return {
    type: "gp3",
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
  /** Present when config.instances.task.count > 0 or custom autoscaling is configured. */
  public readonly taskGroup?: EmrInstanceGroup;
  /** Present when config.scaling.managed is set. */
  public readonly managedScalingPolicy?: EmrManagedScalingPolicy;
  /** The classifications as sent to EMR (plain JSON, before Terraform escaping). */
  public readonly configurationsJson: string;
  /** The task group's AutoScalingPolicy as sent to EMR (plain JSON), when custom autoscaling is configured. */
  public readonly autoscalingPolicyJson?: string;

  constructor(scope: Construct, id: string, props: PlatformClusterProps) {
    super(scope, id);
    const { config } = props;
    const { master, core, task } = config.instances;
    const autoscaling = config.scaling.autoscaling;
    const managed = config.scaling.managed;
    const release = releaseVersion(config.releaseLabel);
    const createTaskGroup = task.count > 0 || autoscaling !== undefined;

    // Config rules live in environments/checks.ts; this guards only the construct's own props.
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
    if (problems.length > 0) {
      throw new ConfigError(`emr-cluster ${this.node.path}: ${problems.join("; ")}`, problems);
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
    this.logUri = `s3://${props.logsBucket.bucketName}/${PREFIXES.emrLogs}`;

    const applicationMastersOnDemand =
      release !== undefined &&
      (release[0] > AM_LABELS_SINCE[0] || (release[0] === AM_LABELS_SINCE[0] && release[1] >= AM_LABELS_SINCE[1])) &&
      core.market === "ON_DEMAND";
    this.configurationsJson = renderConfigurationsJson(config.classifications, { applicationMastersOnDemand });

    // Managed scaling resizes the core group itself; Terraform must not resize it back on the next apply.
    const ignoreChanges = ["step", "kerberos_attributes", ...(managed ? ["core_instance_group[0].instance_count"] : [])];

    this.cluster = new EmrCluster(this, "cluster", {
      name: props.name,
      releaseLabel: config.releaseLabel,
      applications: [...config.applications],
      serviceRole: props.serviceRole.arn,
      ...(autoscaling && props.autoscalingRole ? { autoscalingRole: props.autoscalingRole.arn } : {}),
      securityConfiguration: props.securityConfiguration.name,
      logUri: this.logUri,
      configurationsJson: terraformLiteral(this.configurationsJson),
      ebsRootVolumeSize: ROOT_VOLUME_GIB,
      keepJobFlowAliveWhenNoSteps: true,
      // Custom autoscaling requires it; it also lets operators with EMR permissions see the cluster.
      visibleToAllUsers: true,
      terminationProtection: config.terminationProtection,
      stepConcurrencyLevel: config.stepConcurrency,
      unhealthyNodeReplacement: config.unhealthyNodeReplacement,
      scaleDownBehavior: "TERMINATE_AT_TASK_COMPLETION",
      ...(config.autoTermination.enabled
        ? { autoTerminationPolicy: { idleTimeout: config.autoTermination.idleTimeoutSeconds } }
        : {}),
      ec2Attributes: {
        subnetId: props.subnetId,
        instanceProfile: props.instanceProfile.arn,
        emrManagedMasterSecurityGroup: props.securityGroups.master.id,
        emrManagedSlaveSecurityGroup: props.securityGroups.core.id,
        serviceAccessSecurityGroup: props.securityGroups.serviceAccess.id,
        ...(config.access.keyPairName ? { keyName: config.access.keyPairName } : {}),
      },
      masterInstanceGroup: {
        name: "master",
        instanceType: master.instanceType,
        instanceCount: master.count,
        ...(bidPrice(master) ? { bidPrice: bidPrice(master) } : {}),
        ebsConfig: [gp3(master)],
      },
      coreInstanceGroup: {
        name: "core",
        instanceType: core.instanceType,
        instanceCount: core.count,
        ...(bidPrice(core) ? { bidPrice: bidPrice(core) } : {}),
        ebsConfig: [gp3(core)],
      },
      bootstrapAction: [
        { name: "install-python-deps", path: this.bootstrapUri, args: [] },
        ...config.bootstrapActions.map((action) => ({ name: action.name, path: action.path, args: [...action.args] })),
      ],
      dependsOn: [...(props.dependsOn ?? []), this.bootstrapObject],
      lifecycle: { ignoreChanges },
    });

    if (createTaskGroup) {
      if (autoscaling) this.autoscalingPolicyJson = renderAutoscalingPolicy(autoscaling);
      // The rules move the count within [min, max]; start inside that range.
      const instanceCount = autoscaling
        ? Math.min(Math.max(task.count, autoscaling.minCapacity), autoscaling.maxCapacity)
        : task.count;
      this.taskGroup = new EmrInstanceGroup(this, "task", {
        clusterId: this.cluster.id,
        name: "task",
        instanceType: task.instanceType,
        instanceCount,
        ...(bidPrice(task) ? { bidPrice: bidPrice(task) } : {}),
        ebsConfig: [
          { type: "gp3", size: task.ebs.sizeGb, iops: task.ebs.iops, volumesPerInstance: task.ebs.volumesPerInstance },
        ],
        ...(this.autoscalingPolicyJson ? { autoscalingPolicy: terraformLiteral(this.autoscalingPolicyJson) } : {}),
        // Scaling changes the running count; Terraform must not undo it on every apply.
        ...(autoscaling || managed ? { lifecycle: { ignoreChanges: ["instance_count"] } } : {}),
      });
    }

    if (managed) {
      this.managedScalingPolicy = new EmrManagedScalingPolicy(this, "managed-scaling", {
        clusterId: this.cluster.id,
        computeLimits: [
          {
            unitType: "Instances",
            minimumCapacityUnits: managed.minCapacity,
            maximumCapacityUnits: managed.maxCapacity,
            ...(managed.maxOnDemandCapacity !== undefined ? { maximumOndemandCapacityUnits: managed.maxOnDemandCapacity } : {}),
            ...(managed.maxCoreCapacity !== undefined ? { maximumCoreCapacityUnits: managed.maxCoreCapacity } : {}),
          },
        ],
      });
    }
  }
}
