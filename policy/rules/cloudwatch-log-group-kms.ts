import { defineRule, fromProblems } from "../rule";
import { nonEmptyString } from "../stack-json";

export const cloudwatchLogGroupKms = defineRule({
  id: "cloudwatch-log-group-kms",
  description: "CloudWatch log groups encrypt with a KMS key",
  appliesTo: ["aws_cloudwatch_log_group"],
  check: (group) =>
    fromProblems(
      nonEmptyString(group.config.kms_key_id)
        ? []
        : ["has no kms_key_id; fix: set it to the environment's KMS key (its policy must allow logs.<region>.amazonaws.com)"],
    ),
});
