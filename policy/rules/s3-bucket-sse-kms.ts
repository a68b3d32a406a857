import { defineRule, fromProblems } from "../rule";
import { blocks, namesBucket, nonEmptyString, type ResolvedResource, type StackIndex } from "../stack-json";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/** `apply_server_side_encryption_by_default` blocks that apply to this bucket, from either place they can live. */
function encryptionDefaults(bucket: ResolvedResource, stack: StackIndex): Record<string, unknown>[] {
  const separate = stack
    .ofType("aws_s3_bucket_server_side_encryption_configuration")
    .filter((sse) => namesBucket(sse.config.bucket, bucket))
    .flatMap((sse) => blocks(sse.config.rule));
  // The deprecated inline block still exists in provider 6; honour it rather than flag a working setup.
  const inline = blocks(bucket.config.server_side_encryption_configuration).flatMap((c) => blocks(c.rule));
  return [...separate, ...inline].flatMap((rule) => blocks(rule.apply_server_side_encryption_by_default));
}

/** Default encryption with a customer-managed KMS key (SSE-KMS or DSSE-KMS). */
export const s3BucketSseKms = defineRule({
  id: "s3-bucket-sse-kms",
  description: "S3 buckets encrypt by default with SSE-KMS and a customer-managed key",
  appliesTo: ["aws_s3_bucket"],
  check: (bucket, stack) => {
    const defaults = encryptionDefaults(bucket, stack);
    if (defaults.length === 0) {
      return fromProblems([
        "has no server-side encryption configuration; fix: add an S3BucketServerSideEncryptionConfigurationA with sse_algorithm aws:kms and the environment's KMS key",
      ]);
    }
    return fromProblems(
      defaults.flatMap((d) => {
        if (!KMS_ALGORITHMS.includes(String(d.sse_algorithm))) {
          return [`encrypts with ${String(d.sse_algorithm)}; fix: sse_algorithm aws:kms with the environment's KMS key`];
        }
        if (!nonEmptyString(d.kms_master_key_id)) {
          return ["uses the AWS-managed aws/s3 key; fix: set kms_master_key_id to the environment's KMS key"];
        }
        return [];
      }),
    );
  },
});
