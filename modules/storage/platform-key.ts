import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { PolicyStatements } from "../core/policy-statements";
import type { AccountContext } from "../core/account-context";

export interface PlatformKeyProps {
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly account: AccountContext;
  /** Days before a deleted key is really gone. @default 30 */
  readonly deletionWindowDays?: number;
}

/** AWS services that encrypt on our behalf with this key, scoped to this account: SNS for alarms, S3 access logs. */
const DELIVERY_SERVICES = ["cloudwatch.amazonaws.com", "logging.s3.amazonaws.com"];

/**
 * EventBridge publishing to an encrypted SNS topic (and writing to an encrypted dead-letter queue) cannot be scoped
 * with aws:SourceAccount or aws:SourceArn in the key policy: the SNS guide says such conditions are not supported for
 * EventBridge and the publish fails (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html, "Compatibility
 * between event sources from AWS services and encrypted topics"). The topic policy and the queue policy scope it instead.
 */
export const EVENTS_KEY_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"];

/**
 * VPC flow logs to an SSE-KMS bucket: the key-policy statement the CloudWatch Logs guide documents for
 * delivery.logs.amazonaws.com ("Logs sent to Amazon S3" > "Amazon S3 bucket server-side encryption").
 */
export const LOG_DELIVERY_KEY_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * The environment's customer-managed key: S3 (SSE-KMS), EMR local disks and EBS, SNS. Rotation on. The key policy
 * delegates to IAM (so roles get exactly what their own policies grant) and lets the delivery services encrypt.
 */
export class PlatformKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: PlatformKeyProps) {
    super(scope, id);
    const { account } = props;
    const policy = new PolicyStatements(this, "policy", [
      {
        sid: "AccountAdministersAndDelegatesToIam",
        principals: [{ type: "AWS", identifiers: [`arn:${account.partition}:iam::${account.accountId}:root`] }],
        // Explicit families instead of kms:*; includes the usage actions so IAM policies can grant them.
        actions: [
          "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
          "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
          "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
          "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
        ],
        resources: ["*"], // in a key policy "*" means this key; AWS requires it
      },
      {
        sid: "DeliveryServicesEncrypt",
        principals: [{ type: "Service", identifiers: DELIVERY_SERVICES }],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"], // in a key policy "*" means this key; AWS requires it
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] }],
      },
      {
        sid: "EventBridgeEncrypt",
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        actions: EVENTS_KEY_ACTIONS,
        resources: ["*"], // in a key policy "*" means this key; AWS requires it
      },
      {
        sid: "LogDeliveryEncrypt",
        principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
        actions: LOG_DELIVERY_KEY_ACTIONS,
        resources: ["*"], // in a key policy "*" means this key; AWS requires it
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
          { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${account.partition}:logs:${account.region}:${account.accountId}:*`] },
        ],
      },
      {
        sid: "CloudWatchLogsEncrypt",
        // KMS-encrypted log groups (the pipelines' execution logs): CloudWatch Logs developer guide, "Encrypt log data
        // in CloudWatch Logs using AWS KMS", scoped by the log-group encryption context.
        principals: [{ type: "Service", identifiers: [`logs.${account.region}.amazonaws.com`] }],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"], // in a key policy "*" means this key; AWS requires it
        condition: [
          {
            test: "ArnLike",
            variable: "kms:EncryptionContext:aws:logs:arn",
            values: [`arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:*`],
          },
        ],
      },
    ]);
    this.key = new KmsKey(this, "key", {
      description: `${props.name}: S3, EMR local disk/EBS and SNS encryption`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: policy.json,
    });
    this.alias = new KmsAlias(this, "alias", { name: `alias/${props.name}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
