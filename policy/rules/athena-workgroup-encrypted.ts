import { defineRule, fromProblems } from "../rule";
import { blocks, nonEmptyString } from "../stack-json";

const KMS_OPTIONS = ["SSE_KMS", "CSE_KMS"];

/**
 * An Athena workgroup enforces its configuration (a query cannot pick another result location or drop encryption:
 * "Override client-side settings") and encrypts results with a KMS key ("Encrypt Athena query results stored in
 * Amazon S3"). The provider's default for enforce_workgroup_configuration is true, so only an explicit false is one.
 */
export const athenaWorkgroupEncrypted = defineRule({
  id: "athena-workgroup-encrypted",
  description: "Athena workgroups enforce their configuration and encrypt results with SSE_KMS or CSE_KMS",
  appliesTo: ["aws_athena_workgroup"],
  check: (workgroup) => {
    const configuration = blocks(workgroup.config.configuration)[0];
    const encryption = blocks(blocks(configuration?.result_configuration)[0]?.encryption_configuration)[0];
    const problems: string[] = [];
    if (configuration?.enforce_workgroup_configuration === false || configuration?.enforce_workgroup_configuration === "false") {
      problems.push("does not enforce its configuration; fix: enforce_workgroup_configuration = true");
    }
    const option = encryption?.encryption_option;
    if (typeof option !== "string" || !KMS_OPTIONS.includes(option)) {
      problems.push(`encrypts results with ${nonEmptyString(option) ? option : "nothing"}; fix: result_configuration.encryption_configuration SSE_KMS with the environment's key`);
    } else if (!nonEmptyString(encryption?.kms_key_arn)) {
      problems.push(`uses ${option} without kms_key_arn; fix: the environment's KMS key`);
    }
    return fromProblems(problems);
  },
});
