/**
 * Small stacks for the policy guard tests: one compliant variant per resource kind, and the helpers that run the
 * guard over them. Each compliant fixture passes every rule, so a full synth of it must succeed.
 */
import type {} from "cdktf/lib/testing/adapters/jest";
import { Aspects, TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EmrCluster } from "@cdktf/provider-aws/lib/emr-cluster";
import { EmrSecurityConfiguration } from "@cdktf/provider-aws/lib/emr-security-configuration";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { PolicyGuard } from "../../modules/aspects";
import { runPolicyGuard, type Exemption, type Finding, type RuleId, type StackJson } from "../../policy";
import type { PolicyRule, RuleResult } from "../../policy/rule";
import { StackIndex } from "../../policy/stack-json";

export const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";

export function newStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "t");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return stack;
}

/** Findings of one rule over the stack as synthesized, without running aspects. */
export function findingsOf(stack: TerraformStack, rule: RuleId, exemptions: readonly Exemption[] = []): Finding[] {
  return runPolicyGuard(stack.toTerraform() as StackJson, { exemptions }).findings.filter((f) => f.rule === rule);
}

/** Adds the guard and runs the full synth that aspects and annotations take part in; returns the output dir. */
export function synthWithGuard(stack: TerraformStack, exemptions: readonly Exemption[] = []): string {
  Aspects.of(stack).add(new PolicyGuard({ exemptions }));
  return Testing.fullSynth(stack);
}

export interface BucketParts {
  readonly sse?: "kms" | "aes256" | "aws-managed-kms" | "none";
  readonly publicAccessBlock?: "all" | "partial" | "none";
  readonly policy?: "tls-only" | "no-tls-statement" | "none";
}

/** A bucket with its companions; by default every one of them is compliant. */
export function secureBucket(scope: Construct, id: string, parts: BucketParts = {}): S3Bucket {
  const { sse = "kms", publicAccessBlock = "all", policy = "tls-only" } = parts;
  const bucket = new S3Bucket(scope, id, { bucketPrefix: `${id}-` });
  if (sse !== "none") {
    new S3BucketServerSideEncryptionConfigurationA(scope, `${id}-sse`, {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault:
            sse === "aes256"
              ? { sseAlgorithm: "AES256" }
              : { sseAlgorithm: "aws:kms", ...(sse === "kms" ? { kmsMasterKeyId: KEY_ARN } : {}) },
        },
      ],
    });
  }
  if (publicAccessBlock !== "none") {
    new S3BucketPublicAccessBlock(scope, `${id}-pab`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: publicAccessBlock === "all",
    });
  }
  if (policy !== "none") {
    const doc = new DataAwsIamPolicyDocument(scope, `${id}-policy-doc`, {
      statement: [
        policy === "tls-only"
          ? {
              sid: "DenyInsecureTransport",
              effect: "Deny",
              actions: ["s3:*"],
              resources: [bucket.arn, `${bucket.arn}/*`],
              principals: [{ type: "*", identifiers: ["*"] }],
              condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
            }
          : {
              sid: "ReadOnly",
              effect: "Allow",
              actions: ["s3:GetObject"],
              resources: [`${bucket.arn}/*`],
              principals: [{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] }],
            },
      ],
    });
    new S3BucketPolicy(scope, `${id}-policy`, { bucket: bucket.id, policy: doc.json });
  }
  return bucket;
}

/** The security configuration document the platform intends: KMS at rest everywhere, TLS in transit. */
export function secureSecurityConfiguration(): Record<string, unknown> {
  return {
    EncryptionConfiguration: {
      EnableAtRestEncryption: true,
      EnableInTransitEncryption: true,
      AtRestEncryptionConfiguration: {
        S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: KEY_ARN },
        LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: KEY_ARN, EnableEbsEncryption: true },
      },
      InTransitEncryptionConfiguration: {
        TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: "s3://certs/emr/certs.zip" },
      },
    },
  };
}

export function emrCluster(
  scope: Construct,
  id: string,
  options: {
    securityConfiguration?: string | null;
    logUri?: string | null;
    tags?: Record<string, string>;
    ec2Attributes?: { subnetId?: string; emrManagedMasterSecurityGroup?: string; emrManagedSlaveSecurityGroup?: string; serviceAccessSecurityGroup?: string };
  } = {},
): EmrCluster {
  const securityConfiguration =
    options.securityConfiguration === undefined
      ? new EmrSecurityConfiguration(scope, `${id}-sc`, { name: "sc", configuration: JSON.stringify(secureSecurityConfiguration()) }).name
      : (options.securityConfiguration ?? undefined);
  return new EmrCluster(scope, id, {
    name: id,
    releaseLabel: "emr-7.12.0",
    serviceRole: "arn:aws:iam::123456789012:role/emr-service",
    logUri: options.logUri === undefined ? "s3://logs/emr/" : (options.logUri ?? undefined),
    securityConfiguration,
    tags: options.tags,
    ec2Attributes: options.ec2Attributes
      ? { instanceProfile: "arn:aws:iam::123456789012:instance-profile/emr", ...options.ec2Attributes }
      : undefined,
  });
}

export function symmetricKey(scope: Construct, id: string, rotation = true): KmsKey {
  return new KmsKey(scope, id, { enableKeyRotation: rotation });
}

/** Runs one rule's pure check on the resource at `address` of the stack as synthesized. */
export function checkRule(rule: PolicyRule<string>, stack: TerraformStack, address: string): RuleResult {
  const index = new StackIndex(stack.toTerraform() as StackJson);
  const resource = index.get(address);
  if (!resource) throw new Error(`test setup: ${address} is not in the stack`);
  return rule.check(resource, index);
}
