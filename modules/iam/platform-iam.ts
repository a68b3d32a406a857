import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";

/** The part of the environment config IAM reads. */
export type IamConfig = Pick<EnvironmentConfig, "tls" | "kinesisStreamArns" | "classifications" | "scaling">;
import type { AccountContext } from "../core/account-context";
import { PREFIXES } from "../../contracts/stack-outputs";
import type { PlatformStorage } from "../storage/platform-storage";
import { PolicyStatements } from "../core/policy-statements";

export interface PlatformIamProps {
  readonly config: IamConfig;
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly account: AccountContext;
  readonly storage: PlatformStorage;
}

/** Namespace the jobs may publish custom CloudWatch metrics to. */
export const JOB_METRICS_NAMESPACE = "EMRPlatform/Jobs";

/**
 * A service trust policy. `confusedDeputy` adds aws:SourceAccount (and aws:SourceArn: any resource of
 * `sourceArnService` in this account and region, or exactly `sourceArn`) for services that assume the
 * role on our behalf (EMR, Application Auto Scaling), as the EMR guide's trust policies for those roles show. The EC2
 * instance-profile role gets none: EMR's documented trust for it has no condition, and EC2 is not documented to send
 * aws:SourceAccount when an instance assumes its profile; without the key, nodes would get no credentials. iam:PassRole
 * (scoped to this role, iam:PassedToService) is what guards it.
 */
export const trust = (
  scope: Construct,
  id: string,
  services: string[],
  account: AccountContext,
  confusedDeputy: { readonly sourceArnService?: string; readonly sourceArn?: string } | false,
) =>
  new PolicyStatements(scope, id, [
    {
      sid: "AssumeRole",
      principals: [{ type: "Service", identifiers: services }],
      actions: ["sts:AssumeRole"],
      ...(confusedDeputy
        ? {
            condition: [
              { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
              ...(confusedDeputy.sourceArnService
                ? [{ test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${account.partition}:${confusedDeputy.sourceArnService}:${account.region}:${account.accountId}:*`] }]
                : []),
              ...(confusedDeputy.sourceArn ? [{ test: "ArnEquals", variable: "aws:SourceArn", values: [confusedDeputy.sourceArn] }] : []),
            ],
          }
        : {}),
    },
  ]);

/**
 * The key-user set the EMR guide asks of the instance profile for local-disk (and EBS) encryption with AWS KMS
 * ("Create keys and certificates for data encryption with Amazon EMR" > "Using AWS KMS keys for encryption").
 */
export const LOCAL_DISK_KEY_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * The cluster's identities. The EMR service role gets AmazonEMRServicePolicy_v2 (which only manages resources tagged
 * for-use-with-amazon-emr-managed-policies=true) plus pass-role and the KMS grants EBS encryption needs. The EC2
 * instance profile gets a customer-managed policy scoped to this environment's buckets, prefixes and key.
 */
export class PlatformIam extends Construct {
  readonly serviceRole: IamRole;
  readonly instanceRole: IamRole;
  readonly instanceProfile: IamInstanceProfile;
  /** Only when custom autoscaling rules are configured. */
  readonly autoscalingRole?: IamRole;
  /** The cluster must wait for these, or its first nodes start without permissions. */
  readonly policyAttachments: ITerraformDependable[] = [];
  readonly instancePolicy: PolicyStatements;

  constructor(scope: Construct, id: string, props: PlatformIamProps) {
    super(scope, id);
    const { config, name, account, storage } = props;
    const managed = (policy: string) => `arn:${account.partition}:iam::aws:policy/service-role/${policy}`;

    // --- EC2 instance profile ---------------------------------------------------------------------------------
    this.instanceRole = new IamRole(this, "instance-role", {
      name: `${name}-ec2`,
      description: `EMR EC2 instance profile role for ${name}`,
      assumeRolePolicy: trust(this, "instance-trust", ["ec2.amazonaws.com"], account, false).json,
    });
    this.instanceProfile = new IamInstanceProfile(this, "instance-profile", { name: `${name}-ec2`, role: this.instanceRole.name });

    this.instancePolicy = new PolicyStatements(this, "instance-policy-document");
    storage.data.grantReadWrite(this.instancePolicy, [PREFIXES.raw, PREFIXES.processed, PREFIXES.rejected], "Data");
    storage.artifacts.grantRead(this.instancePolicy, [PREFIXES.jobs, PREFIXES.bootstrap, PREFIXES.certificates], "Artifacts");
    storage.logs.grantWrite(this.instancePolicy, [PREFIXES.emrLogs], "ClusterLogs");
    this.instancePolicy.addStatements(
      {
        sid: "EmrRegionalArtifacts",
        // EMR's own regional bucket (script-runner, bootstrap helpers) that steps and nodes read.
        actions: ["s3:GetObject"],
        resources: [`arn:${account.partition}:s3:::${account.region}.elasticmapreduce/*`],
      },
      {
        sid: "LocalDiskEncryption",
        actions: LOCAL_DISK_KEY_ACTIONS,
        resources: [storage.key.arn],
      },
      {
        sid: "JobMetrics",
        actions: ["cloudwatch:PutMetricData"],
        resources: ["*"], // PutMetricData has no resource-level permissions (AWS requires "*"); scoped by namespace
        condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [JOB_METRICS_NAMESPACE] }],
      },
    );
    const certificateZip = config.tls.certificateZipS3Uri;
    if (certificateZip) {
      this.instancePolicy.addStatements({
        sid: "TlsCertificates",
        actions: ["s3:GetObject"],
        resources: [`arn:${account.partition}:s3:::${certificateZip.slice("s3://".length)}`],
      });
    }
    if (config.tls.certificateKmsKeyArn) {
      // The certificate bucket is outside the stack; its objects may be SSE-KMS under another key.
      this.instancePolicy.addStatements({ sid: "TlsCertificatesKey", actions: ["kms:Decrypt"], resources: [config.tls.certificateKmsKeyArn] });
    }
    if (config.kinesisStreamArns.length > 0) {
      this.instancePolicy.addStatements({
        sid: "KinesisRead",
        actions: [
          "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
          "kinesis:ListShards", "kinesis:SubscribeToShard",
        ],
        resources: config.kinesisStreamArns,
      });
    }
    this.attach("instance", this.instanceRole, new IamPolicy(this, "instance-policy", {
      name: `${name}-ec2`,
      description: `Least-privilege access of ${name} cluster nodes to this environment's buckets and key`,
      policy: this.instancePolicy.json,
    }).arn);

    // --- autoscaling role (custom rules only) -----------------------------------------------------------------
    if (config.scaling.autoscaling) {
      this.autoscalingRole = new IamRole(this, "autoscaling-role", {
        name: `${name}-autoscaling`,
        description: `Applies the custom autoscaling rules of ${name}`,
        assumeRolePolicy: trust(this, "autoscaling-trust", ["elasticmapreduce.amazonaws.com", "application-autoscaling.amazonaws.com"], account, {}).json,
      });
      this.attach("autoscaling", this.autoscalingRole, managed("AmazonElasticMapReduceforAutoScalingRole"));
    }

    // --- EMR service role ---------------------------------------------------------------------------------------
    this.serviceRole = new IamRole(this, "service-role", {
      name: `${name}-service`,
      description: `EMR service role for ${name}`,
      assumeRolePolicy: trust(this, "service-trust", ["elasticmapreduce.amazonaws.com"], account, { sourceArnService: "elasticmapreduce" }).json,
    });
    this.attach("service-managed", this.serviceRole, managed("AmazonEMRServicePolicy_v2"));
    const passable = [this.instanceRole.arn, ...(this.autoscalingRole ? [this.autoscalingRole.arn] : [])];
    const servicePolicy = new PolicyStatements(this, "service-policy-document", [
      {
        sid: "PassClusterRoles",
        // The v2 managed policy only passes roles named EMR_EC2_DefaultRole; ours are named per environment.
        actions: ["iam:PassRole"],
        resources: passable,
        condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ec2.amazonaws.com", "application-autoscaling.amazonaws.com"] }],
      },
      {
        sid: "EbsEncryptionGrants",
        // EBS encryption with a customer key: EMR creates grants for the volumes it attaches.
        actions: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        resources: [storage.key.arn],
        condition: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
      },
      {
        sid: "EbsEncryptionKeyUse",
        actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"],
        resources: [storage.key.arn],
      },
    ]);
    this.attach("service", this.serviceRole, new IamPolicy(this, "service-policy", {
      name: `${name}-service`,
      description: `Pass-role and EBS encryption grants for the ${name} EMR service role`,
      policy: servicePolicy.json,
    }).arn);
  }

  private attach(id: string, role: IamRole, policyArn: string): void {
    this.policyAttachments.push(new IamRolePolicyAttachment(this, `${id}-attachment`, { role: role.name, policyArn }));
  }
}
