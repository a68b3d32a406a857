import { defineRule, fromProblems, NOT_APPLICABLE } from "../rule";
import { isTrue } from "../stack-json";

export const kmsKeyRotation = defineRule({
  id: "kms-key-rotation",
  description: "Symmetric KMS keys rotate automatically",
  appliesTo: ["aws_kms_key"],
  check: (key) => {
    const spec = key.config.customer_master_key_spec;
    // AWS supports automatic rotation only for symmetric encryption keys.
    if (spec !== undefined && spec !== null && spec !== "SYMMETRIC_DEFAULT") return NOT_APPLICABLE;
    return fromProblems(isTrue(key.config.enable_key_rotation) ? [] : ["enable_key_rotation is not true; fix: set enableKeyRotation: true"]);
  },
});
