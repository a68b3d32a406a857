import { defineRule, fromProblems } from "../rule";
import { isTrue } from "../stack-json";

/** If the stack manages the account's EMR block-public-access setting, it must keep it on. */
export const emrBlockPublicAccess = defineRule({
  id: "emr-block-public-access",
  description: "EMR block public access stays enabled where the stack manages it",
  appliesTo: ["aws_emr_block_public_access_configuration"],
  check: (resource) =>
    fromProblems(
      isTrue(resource.config.block_public_security_group_rules)
        ? []
        : ["block_public_security_group_rules is not true; fix: set it to true"],
    ),
});
