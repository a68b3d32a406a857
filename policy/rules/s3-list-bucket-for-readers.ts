import { defineRule, fromProblems, NOT_APPLICABLE } from "../rule";
import { POLICY_ATTRIBUTES, policyValues, resolvePolicy, statementsOfDocument, type PolicyStatement } from "../policy-document";

const READS_OBJECTS = /^s3:(GetObject|Get\*|\*)$|^\*$/;
const LISTS_BUCKET = /^s3:(ListBucket|List\*|\*)$|^\*$/;
/** `${aws_s3_bucket.x.arn}/raw/*` or `arn:aws:s3:::name/raw/*` → the bucket part before the key. */
const OBJECT_RESOURCE = /^(\$\{[^}]+\}|arn:[^:]*:s3:::[^/]+)\/.+$/;

/**
 * Buckets whose objects a policy reads, but which it lets list only under an s3:prefix condition. S3 answers a HEAD or
 * GET of a missing key with 404 only to callers holding s3:ListBucket on the bucket, else 403 (S3 API reference,
 * HeadObject), and a HEAD carries no s3:prefix. EMRFS probes missing keys on nearly every read, write and commit, so
 * such a grant fails Spark steps with Access Denied. Write-only grants (log delivery) may keep the condition.
 */
export function prefixScopedListProblems(statements: readonly PolicyStatement[], where: string): string[] {
  const allowed = statements.filter((s) => s.effect === "Allow");
  const readBuckets = new Set(
    allowed
      .filter((s) => s.actions.some((a) => READS_OBJECTS.test(a)))
      .flatMap((s) => s.resources.flatMap((r) => OBJECT_RESOURCE.exec(r)?.[1] ?? [])),
  );
  return allowed
    .filter((s) => s.actions.some((a) => LISTS_BUCKET.test(a)) && s.conditions.some((c) => c.variable === "s3:prefix"))
    .flatMap((s) =>
      s.resources
        .filter((bucket) => readBuckets.has(bucket))
        .map((bucket) => `${where} statement ${s.sid ? `"${s.sid}"` : ""} lets ${bucket} be listed only under s3:prefix while objects in it are read`),
    );
}

export const s3ListBucketForReaders = defineRule({
  id: "s3-list-bucket-for-readers",
  description: "Principals that read objects in a bucket may list it without an s3:prefix condition (else missing keys are 403, not 404)",
  appliesTo: ["data.aws_iam_policy_document", ...Object.keys(POLICY_ATTRIBUTES).filter((t) => t.startsWith("aws_iam_"))],
  check: (resource, stack) => {
    const problems = resource.mode === "data" ? prefixScopedListProblems(statementsOfDocument(resource), "statement block") : [];
    for (const [attribute, value] of policyValues(resource)) {
      const source = resolvePolicy(value, stack);
      if (source.kind === "statements") problems.push(...prefixScopedListProblems(source.statements, attribute));
    }
    if (problems.length === 0 && resource.mode === "data" && statementsOfDocument(resource).length === 0) return NOT_APPLICABLE;
    return fromProblems(problems.length ? [`${problems.join("; ")}; fix: grant s3:ListBucket on the bucket without the s3:prefix condition (object actions stay prefix-scoped)`] : []);
  },
});
