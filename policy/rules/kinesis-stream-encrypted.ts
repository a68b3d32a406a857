import { defineRule, fromProblems } from "../rule";
import { nonEmptyString } from "../stack-json";

/** The Kinesis-owned key ("What is server-side encryption for Kinesis Data Streams?"): no key policy of ours governs it. */
const AWS_MANAGED_KEY = "alias/aws/kinesis";

/**
 * Kinesis streams encrypt records at rest with a customer-managed KMS key (server-side encryption, encryption_type
 * KMS), so the key policy and the readers' kms:Decrypt decide who can read them. The provider's default is NONE.
 */
export const kinesisStreamEncrypted = defineRule({
  id: "kinesis-stream-encrypted",
  description: "Kinesis streams encrypt records with a customer-managed KMS key",
  appliesTo: ["aws_kinesis_stream"],
  check: (stream) => {
    const { encryption_type: type, kms_key_id: key } = stream.config;
    if (type !== "KMS") {
      return fromProblems([`encryption_type is ${nonEmptyString(type) ? type : "unset (NONE)"}; fix: encryption_type = "KMS" with kms_key_id = the environment's key`]);
    }
    if (!nonEmptyString(key)) return fromProblems(["encrypts with KMS but names no kms_key_id; fix: the environment's key"]);
    if (key.trim() === AWS_MANAGED_KEY) return fromProblems([`uses the AWS-managed ${AWS_MANAGED_KEY}; fix: the environment's customer-managed key`]);
    return fromProblems([]);
  },
});
