import { defineRule, fromProblems } from "../rule";
import { nonEmptyString } from "../stack-json";

export const snsTopicKms = defineRule({
  id: "sns-topic-kms",
  description: "SNS topics encrypt messages with a KMS key",
  appliesTo: ["aws_sns_topic"],
  check: (topic) =>
    fromProblems(
      nonEmptyString(topic.config.kms_master_key_id)
        ? []
        : ["has no kms_master_key_id; fix: set it to the environment's KMS key (its policy must let CloudWatch use it)"],
    ),
});
