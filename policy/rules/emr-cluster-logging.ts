import { defineRule, fromProblems } from "../rule";
import { nonEmptyString } from "../stack-json";

/** Without a log URI, step and node logs vanish with the cluster: failed jobs cannot be investigated. */
export const emrClusterLogging = defineRule({
  id: "emr-cluster-logging",
  description: "EMR clusters archive logs to S3 (log_uri)",
  appliesTo: ["aws_emr_cluster"],
  check: (cluster) =>
    fromProblems(nonEmptyString(cluster.config.log_uri) ? [] : ["has no log_uri; fix: s3://<logs bucket>/emr/"]),
});
