import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { environmentInput, loadEnvironment, parseEnvironment } from "../../environments";
import { PolicyStatements } from "../../modules/core/policy-statements";
import { PlatformKey } from "../../modules/storage/platform-key";
import { PlatformStorage } from "../../modules/storage/platform-storage";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import { documentStatements, nonEmpty, resources, synthWith } from "./harness";

const devStorage = (config = loadEnvironment("dev")) =>
  synthWith((scope, account) => new PlatformStorage(scope, "storage", { config, name: "emr-platform-dev", account }));

describe("PlatformStorage", () => {
  const { json, parsed } = devStorage();

  test("one KMS key with rotation, a 30-day deletion window and an alias", () => {
    expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(json).toHaveResourceWithProperties(KmsAlias, { name: "alias/emr-platform-dev" });
    expect(resources(parsed, "aws_kms_key")).toHaveLength(1);
  });

  test("three buckets named by prefix, each SSE-KMS with bucket keys under the platform key", () => {
    const buckets = resources(parsed, "aws_s3_bucket").map(([, b]) => b.bucket_prefix).sort();
    expect(buckets).toEqual(["emr-platform-dev-artifacts-", "emr-platform-dev-data-", "emr-platform-dev-logs-"]);
    const sse = resources(parsed, "aws_s3_bucket_server_side_encryption_configuration");
    expect(sse).toHaveLength(3);
    for (const [, config] of sse) {
      expect(config.rule[0]).toEqual({
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: expect.stringMatching(/aws_kms_key\..*\.arn/) },
        bucket_key_enabled: true,
      });
    }
  });

  test("versioning, all four public access blocks and BucketOwnerEnforced on every bucket", () => {
    expect(resources(parsed, "aws_s3_bucket_versioning").map(([, v]) => v.versioning_configuration.status)).toEqual(["Enabled", "Enabled", "Enabled"]);
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: expect.objectContaining({ status: "Enabled" }) });
    for (const [, block] of resources(parsed, "aws_s3_bucket_public_access_block")) {
      expect(block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    }
    expect(resources(parsed, "aws_s3_bucket_public_access_block")).toHaveLength(3);
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: "BucketOwnerEnforced" } });
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { block_public_acls: true });
  });

  test("every bucket policy denies requests without TLS", () => {
    for (const id of ["storage_data_policy", "storage_logs_policy", "storage_artifacts_policy"]) {
      const deny = documentStatements(parsed, id).find((s) => s.sid === "DenyInsecureTransport");
      expect(deny).toMatchObject({
        effect: "Deny",
        actions: ["s3:*"],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      });
    }
  });

  test("data and artifacts buckets log access into the logs bucket, which admits only their log delivery", () => {
    const logging = resources(parsed, "aws_s3_bucket_logging").map(([, l]) => l.target_prefix).sort();
    expect(logging).toEqual(["s3-access/artifacts/", "s3-access/data/"]);
    expect(json).toHaveResourceWithProperties(S3BucketLoggingA, { target_bucket: expect.stringContaining("storage_logs_bucket") });
    const delivery = documentStatements(parsed, "storage_logs_policy").filter((s) => s.sid?.startsWith("S3AccessLogsFrom"));
    expect(delivery).toHaveLength(2);
    expect(delivery[0]).toMatchObject({ principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }], actions: ["s3:PutObject"] });
    expect(delivery[0].condition[0]).toMatchObject({ test: "ArnLike", variable: "aws:SourceArn" });
  });

  test("lifecycle: aborted multipart uploads, noncurrent versions, and log expiry after the retention days", () => {
    const logs = resources(parsed, "aws_s3_bucket_lifecycle_configuration").find(([id]) => id.includes("logs"))![1];
    const data = resources(parsed, "aws_s3_bucket_lifecycle_configuration").find(([id]) => id.includes("data"))![1];
    expect(logs.rule.find((r: any) => r.id === "expire-current").expiration).toEqual([{ days: 14 }]);
    expect(data.rule.find((r: any) => r.id === "expire-current")).toBeUndefined();
    expect(data.rule.find((r: any) => r.id === "abort-incomplete-multipart").abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
    expect(data.rule.find((r: any) => r.id === "expire-noncurrent-versions").noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
    expect(data.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, { bucket: expect.stringContaining("data") });
  });

  test("forceDestroy follows the environment: dev may delete buckets, prod may not", () => {
    for (const [, b] of nonEmpty(resources(parsed, "aws_s3_bucket"))) expect(b.force_destroy).toBe(true);
    const prod = synthWith((scope, account) => new PlatformStorage(scope, "storage", { config: loadEnvironment("prod"), name: "emr-platform-prod", account }));
    for (const [, b] of nonEmpty(resources(prod.parsed, "aws_s3_bucket"))) expect(b.force_destroy).toBe(false);
  });

  test("the key policy delegates to IAM without kms:* and admits the delivery services of this account only", () => {
    const statements = documentStatements(parsed, "storage_key_policy");
    expect(statements.flatMap((s) => s.actions)).not.toContain("kms:*");
    const delivery = statements.find((s) => s.sid === "DeliveryServicesEncrypt")!;
    expect(delivery.principals[0].identifiers).toEqual(["cloudwatch.amazonaws.com", "logging.s3.amazonaws.com"]);
    expect(delivery.condition[0]).toMatchObject({ variable: "aws:SourceAccount" });
  });

  test("EventBridge may encrypt for the topic and queues without aws:Source* conditions, which SNS does not support for it", () => {
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html: with aws:SourceAccount/aws:SourceArn in the key
    // policy, EventBridge's publish to an encrypted topic fails (FailedInvocations) and the notification is lost.
    const statements = documentStatements(parsed, "storage_key_policy");
    const events = statements.filter((s) => s.principals?.some((p: any) => p.identifiers.includes("events.amazonaws.com")));
    expect(events).toEqual([
      { sid: "EventBridgeEncrypt", principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }], actions: ["kms:GenerateDataKey*", "kms:Decrypt"], resources: ["*"] },
    ]);
  });

  test("VPC flow log delivery gets the key actions the CloudWatch Logs guide documents, scoped to this account's logs", () => {
    const logs = documentStatements(parsed, "storage_key_policy").find((s) => s.sid === "LogDeliveryEncrypt")!;
    expect(logs.principals).toEqual([{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }]);
    expect(logs.actions).toEqual(["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]);
    expect(logs.condition.map((c: any) => [c.test, c.variable])).toEqual([
      ["StringEquals", "aws:SourceAccount"],
      ["ArnLike", "aws:SourceArn"],
    ]);
    expect(logs.condition[1].values[0]).toMatch(/^arn:\$\{data\.aws_partition\..*\}:logs:eu-west-1:\$\{data\.aws_caller_identity\..*\}:\*$/);
  });
});

describe("SecureBucket grants", () => {
  const grantsFor = (grant: (bucket: SecureBucket, grantee: PolicyStatements) => void) =>
    synthWith((scope, account) => {
      const key = new PlatformKey(scope, "key", { name: "t", account });
      const bucket = new SecureBucket(scope, "b", { namePrefix: "t-", key });
      grant(bucket, new PolicyStatements(scope, "grantee"));
    }).parsed;

  test("grantRead covers objects under the prefixes, lists the whole bucket (missing keys must be 404) and decrypts", () => {
    const statements = documentStatements(grantsFor((b, g) => b.grantRead(g, ["jobs/", "bootstrap/"], "Art")), "grantee");
    expect(statements.map((s) => s.sid)).toEqual(["ArtObjects", "ArtList", "ArtKey"]);
    expect(statements[0].actions).toEqual(["s3:GetObject", "s3:GetObjectVersion"]);
    expect(statements[0].resources).toEqual([expect.stringMatching(/\.arn}\/jobs\/\*$/), expect.stringMatching(/\.arn}\/bootstrap\/\*$/)]);
    expect(statements[1]).toMatchObject({ actions: ["s3:ListBucket"], resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.b_bucket_\w+\.arn\}$/)] });
    expect(statements[1]).not.toHaveProperty("condition");
    expect(statements[2]).toMatchObject({ actions: ["kms:Decrypt"], resources: [expect.stringMatching(/aws_kms_key\.key_.*\.arn/)] });
  });

  test("grantReadWrite adds put/delete and GenerateDataKey, and lists without an s3:prefix condition", () => {
    const statements = documentStatements(grantsFor((b, g) => b.grantReadWrite(g, ["raw/"], "Data")), "grantee");
    expect(statements[0].actions).toEqual(expect.arrayContaining(["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]));
    expect(statements[1].actions).toEqual(["s3:ListBucket"]);
    expect(statements[1]).not.toHaveProperty("condition");
    expect(statements[2].actions).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
  });

  test("grantWrite (log delivery, no reads) keeps listing prefix-scoped", () => {
    const statements = documentStatements(grantsFor((b, g) => b.grantWrite(g, ["emr/"], "Logs")), "grantee");
    expect(statements[1].condition).toEqual([{ test: "StringLike", variable: "s3:prefix", values: ["emr/*"] }]);
  });

  test("fails if a grant prefix does not end with a slash", () => {
    expect(() => grantsFor((b, g) => b.grantRead(g, ["jobs"], "Bad"))).toThrow(/prefixes must be non-empty and end with "\/"/);
  });

  test("fails if the bucket name prefix is longer than S3 allows", () => {
    expect(() =>
      synthWith((scope, account) => {
        new SecureBucket(scope, "b", { namePrefix: "x".repeat(38), key: new PlatformKey(scope, "key", { name: "t", account }) });
      }),
    ).toThrow(/namePrefix .* 38 characters; S3 allows 37/);
  });

  test("fails if the project name would make bucket prefixes too long (refused at validation, before synth)", () => {
    expect(() => parseEnvironment({ ...environmentInput("staging"), project: "a-very-long-project-x" })).toThrow(
      /project = "a-very-long-project-x": is 21 characters, too long for staging: .*fix: at most 18 characters in staging/,
    );
    expect(parseEnvironment({ ...environmentInput("staging"), project: "a-long-project-xyz" }).project).toBe("a-long-project-xyz");
  });
});
