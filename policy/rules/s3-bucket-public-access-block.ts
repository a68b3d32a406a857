import { defineRule, fromProblems } from "../rule";
import { isTrue, namesBucket } from "../stack-json";

const FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;

/** A public access block with all four settings on, for the bucket or for the whole account. */
export const s3BucketPublicAccessBlock = defineRule({
  id: "s3-bucket-public-access-block",
  description: "S3 buckets have a public access block with all four settings true",
  appliesTo: ["aws_s3_bucket"],
  check: (bucket, stack) => {
    const account = stack.ofType("aws_s3_account_public_access_block");
    if (account.some((block) => FLAGS.every((f) => isTrue(block.config[f])))) return fromProblems([]);
    const own = stack.ofType("aws_s3_bucket_public_access_block").filter((b) => namesBucket(b.config.bucket, bucket));
    if (own.length === 0) {
      return fromProblems(["has no public access block; fix: add an S3BucketPublicAccessBlock with all four settings true"]);
    }
    const off = FLAGS.filter((f) => !own.some((block) => isTrue(block.config[f])));
    return fromProblems(off.length ? [`public access block leaves ${off.join(", ")} off; fix: set all four to true`] : []);
  },
});
