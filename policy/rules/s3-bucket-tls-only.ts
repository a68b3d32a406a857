import { defineRule, fromProblems } from "../rule";
import { statementsOf, type PolicyStatement } from "../policy-document";
import { namesBucket, type ResolvedResource } from "../stack-json";

const ALL_S3_ACTIONS = ["s3:*", "*"];

/** Whether an ARN string points at the bucket itself (`objects` false) or at its objects (`objects` true). */
function coversBucket(resource: string, bucket: ResolvedResource, objects: boolean): boolean {
  const literal = typeof bucket.config.bucket === "string" ? bucket.config.bucket : undefined;
  const bases = [`\${${bucket.address}.arn}`, ...(literal && !literal.includes("${") ? [`arn:aws:s3:::${literal}`] : [])];
  return bases.some((base) => resource === (objects ? `${base}/*` : base));
}

/** The statement AWS documents for TLS-only access: deny every principal every S3 action when SecureTransport is false. */
export function isTlsOnlyDeny(statement: PolicyStatement, bucket: ResolvedResource): boolean {
  return (
    statement.effect === "Deny" &&
    statement.actions.some((a) => ALL_S3_ACTIONS.includes(a)) &&
    statement.principals.includes("*") &&
    statement.conditions.some(
      (c) => /^Bool(IfExists)?$/.test(c.test) && c.variable === "aws:SecureTransport" && c.values.includes("false"),
    ) &&
    statement.resources.some((r) => coversBucket(r, bucket, false)) &&
    statement.resources.some((r) => coversBucket(r, bucket, true))
  );
}

/** A bucket policy that denies non-TLS requests to the bucket and its objects. */
export const s3BucketTlsOnly = defineRule({
  id: "s3-bucket-tls-only",
  description: "S3 buckets have a policy denying requests without TLS (aws:SecureTransport false)",
  appliesTo: ["aws_s3_bucket"],
  check: (bucket, stack) => {
    const policies = [
      ...stack
        .ofType("aws_s3_bucket_policy")
        .filter((p) => namesBucket(p.config.bucket, bucket))
        .map((p) => p.config.policy),
      ...(bucket.config.policy !== undefined && bucket.config.policy !== null ? [bucket.config.policy] : []),
    ];
    if (policies.length === 0) {
      return fromProblems(["has no bucket policy; fix: attach a policy that denies s3:* to * when aws:SecureTransport is false"]);
    }
    const statements = policies.map((p) => statementsOf(p, stack));
    if (statements.some((s) => s?.some((st) => isTlsOnlyDeny(st, bucket)))) return fromProblems([]);
    if (statements.some((s) => s === undefined)) {
      return fromProblems(["bucket policy is not readable JSON, so TLS-only access cannot be verified; fix: render it with DataAwsIamPolicyDocument"]);
    }
    return fromProblems([
      "bucket policy has no TLS-only deny; fix: deny s3:* to principal * on the bucket ARN and ARN/* when aws:SecureTransport is false",
    ]);
  },
});
