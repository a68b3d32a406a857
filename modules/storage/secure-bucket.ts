import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { type Grantee, PolicyStatements } from "../core/policy-statements";
import type { PlatformKey } from "./platform-key";

export interface SecureBucketProps {
  /** Bucket name prefix; Terraform appends a unique suffix (no global-name collisions, no bucket sniping). */
  readonly namePrefix: string;
  /** SSE-KMS with bucket keys under this key. */
  readonly key: PlatformKey;
  /** Allow `terraform destroy` to delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
  /** Days before noncurrent versions expire. @default 30 */
  readonly noncurrentVersionDays?: number;
  /** Expire current objects after this many days (log buckets). @default never */
  readonly expireAfterDays?: number;
  /** Prefixes whose objects expire sooner than the rest, e.g. Athena results. @default none */
  readonly prefixExpirations?: readonly { readonly prefix: string; readonly days: number }[];
  /** Deliver this bucket's S3 server access logs to another bucket. @default none */
  readonly accessLogs?: { readonly bucket: SecureBucket; readonly prefix: string };
}

/**
 * An S3 bucket with the platform's non-negotiables: SSE-KMS with bucket keys, versioning, all public access blocked,
 * BucketOwnerEnforced (no ACLs), a TLS-only deny policy, and lifecycle hygiene. Grants live here and cover the key.
 */
export class SecureBucket extends Construct implements Grantee {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly arn: string;
  readonly key: PlatformKey;
  /** The bucket policy resource: what a service that writes here (flow logs) must wait for. */
  readonly policyResource: S3BucketPolicy;
  private readonly policy: PolicyStatements;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.key = props.key;
    if (props.namePrefix.length > 37) {
      throw new Error(`bucket namePrefix "${props.namePrefix}" is ${props.namePrefix.length} characters; S3 allows 37 before the unique suffix — shorten the project or environment name`);
    }
    this.bucket = new S3Bucket(this, "bucket", { bucketPrefix: props.namePrefix, forceDestroy: props.forceDestroy ?? false });
    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;

    const versioning = new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "sse", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.key.arn },
          bucketKeyEnabled: true, // one data key per bucket instead of per object: ~99% fewer KMS calls
        },
      ],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    this.policy = new PolicyStatements(this, "policy", [
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"], // a Deny on every action is the point of a TLS-only policy
        resources: [this.arn, `${this.arn}/*`],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
    // The policy waits for the public access block: S3 rejects policies while the block is being applied.
    this.policyResource = new S3BucketPolicy(this, "bucket-policy", { bucket: this.bucket.id, policy: this.policy.json, dependsOn: [publicAccess] });

    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      dependsOn: [versioning], // lifecycle on a versioned bucket must follow the versioning resource
      rule: [
        {
          id: "abort-incomplete-multipart",
          status: "Enabled",
          filter: [{ prefix: "" }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 30 }],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
        ...(props.expireAfterDays
          ? [{ id: "expire-current", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: props.expireAfterDays }] }]
          : []),
        // Where rules overlap, S3 applies the earliest expiration ("Lifecycle configuration elements" > conflicts).
        ...(props.prefixExpirations ?? []).map(({ prefix, days }) => ({
          id: `expire-${prefix.replace(/[^A-Za-z0-9-]+/g, "-").replace(/-+$/, "")}`,
          status: "Enabled",
          filter: [{ prefix }],
          expiration: [{ days }],
        })),
      ],
    });

    if (props.accessLogs) {
      props.accessLogs.bucket.allowAccessLogsFrom(this, props.accessLogs.prefix);
      new S3BucketLoggingA(this, "access-logs", {
        bucket: this.bucket.id,
        targetBucket: props.accessLogs.bucket.bucket.id,
        targetPrefix: props.accessLogs.prefix,
      });
    }
  }

  /** `s3://<bucket>/<prefix>` */
  s3Uri(prefix = ""): string {
    return `s3://${this.bucketName}/${prefix}`;
  }

  /** Adds statements to this bucket's resource policy. */
  addStatements(...statements: DataAwsIamPolicyDocumentStatement[]): void {
    this.policy.addStatements(...statements);
  }

  /** Read objects under the prefixes (e.g. "jobs/") and list the bucket; decrypt with the key. */
  grantRead(grantee: Grantee, prefixes: string[], sid: string): void {
    this.grant(grantee, prefixes, sid, ["s3:GetObject", "s3:GetObjectVersion"], ["kms:Decrypt"], "bucket");
  }

  /** Read, write and delete objects under the prefixes; encrypt and decrypt with the key. */
  grantReadWrite(grantee: Grantee, prefixes: string[], sid: string): void {
    this.grant(
      grantee,
      prefixes,
      sid,
      ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      ["kms:Decrypt", "kms:GenerateDataKey"],
      "bucket",
    );
  }

  /** Write-only under the prefixes (log delivery from the cluster); listing stays prefix-scoped. */
  grantWrite(grantee: Grantee, prefixes: string[], sid: string): void {
    this.grant(grantee, prefixes, sid, ["s3:PutObject", "s3:AbortMultipartUpload"], ["kms:GenerateDataKey", "kms:Decrypt"], "prefixes");
  }

  /** Lets S3 server access logging from `source` write under `prefix` of this bucket. */
  allowAccessLogsFrom(source: SecureBucket, prefix: string): void {
    this.addStatements({
      sid: `S3AccessLogsFrom${source.node.id.replace(/[^A-Za-z0-9]/g, "")}`,
      principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
      actions: ["s3:PutObject"],
      resources: [`${this.arn}/${prefix}*`],
      condition: [{ test: "ArnLike", variable: "aws:SourceArn", values: [source.arn] }],
    });
  }

  /**
   * `list`: "bucket" grants s3:ListBucket without an s3:prefix condition. Readers need it: a HEAD or GET of a missing
   * key returns 404 only to a caller with s3:ListBucket on the bucket, else 403 (S3 API reference, HeadObject), and a
   * HEAD carries no s3:prefix, so a prefix-conditioned grant never matches it. EMRFS probes missing keys on nearly every
   * read, write and commit (_SUCCESS, new output paths). Object actions stay prefix-scoped either way.
   */
  private grant(grantee: Grantee, prefixes: string[], sid: string, objectActions: string[], keyActions: string[], list: "bucket" | "prefixes"): void {
    if (prefixes.length === 0 || prefixes.some((p) => p !== "" && !p.endsWith("/"))) {
      throw new Error(`grant ${sid} on ${this.node.path}: prefixes must be non-empty and end with "/" (got ${JSON.stringify(prefixes)})`);
    }
    const whole = list === "bucket" || prefixes.includes("");
    grantee.addStatements(
      { sid: `${sid}Objects`, actions: objectActions, resources: prefixes.map((p) => `${this.arn}/${p}*`) },
      {
        sid: `${sid}List`,
        actions: ["s3:ListBucket"],
        resources: [this.arn],
        ...(whole ? {} : { condition: [{ test: "StringLike", variable: "s3:prefix", values: prefixes.map((p) => `${p}*`) }] }),
      },
      { sid: `${sid}Key`, actions: keyActions, resources: [this.key.arn] },
    );
  }
}
