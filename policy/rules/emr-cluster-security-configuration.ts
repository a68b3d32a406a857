import { defineRule, fromProblems } from "../rule";
import { nonEmptyString } from "../stack-json";

/** The cluster names a security configuration (whose content `emr-security-configuration-encryption` checks). */
export const emrClusterSecurityConfiguration = defineRule({
  id: "emr-cluster-security-configuration",
  description: "EMR clusters run with a security configuration",
  appliesTo: ["aws_emr_cluster"],
  check: (cluster) =>
    fromProblems(
      nonEmptyString(cluster.config.security_configuration)
        ? []
        : ["has no security_configuration; fix: pass the environment's EmrSecurityConfiguration name"],
    ),
});
