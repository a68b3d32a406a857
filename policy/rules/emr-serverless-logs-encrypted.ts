import { defineRule, fromProblems } from "../rule";
import { blocks, isTrue, nonEmptyString } from "../stack-json";

/**
 * An EMR Serverless application keeps its job logs (driver stdout/stderr carry data samples and stack traces) in our
 * S3 bucket, encrypted with our key, and encrypts any CloudWatch logging with it too (monitoring_configuration's
 * encryption_key_arn; API reference S3MonitoringConfiguration / CloudWatchLoggingConfiguration).
 */
export const emrServerlessLogsEncrypted = defineRule({
  id: "emr-serverless-logs-encrypted",
  description: "EMR Serverless applications log to S3 with a KMS key, and encrypt CloudWatch logging with one",
  appliesTo: ["aws_emrserverless_application"],
  check: (application) => {
    const monitoring = blocks(application.config.monitoring_configuration)[0];
    const s3 = blocks(monitoring?.s3_monitoring_configuration)[0];
    const cloudwatch = blocks(monitoring?.cloudwatch_logging_configuration)[0];
    const problems: string[] = [];
    if (!nonEmptyString(s3?.log_uri)) problems.push("has no S3 monitoring log_uri; fix: the logs bucket's emr-serverless/ prefix");
    else if (!nonEmptyString(s3?.encryption_key_arn)) problems.push("logs to S3 without encryption_key_arn; fix: the environment's KMS key");
    if (cloudwatch && isTrue(cloudwatch.enabled) && !nonEmptyString(cloudwatch.encryption_key_arn)) {
      problems.push("logs to CloudWatch without encryption_key_arn; fix: the environment's KMS key");
    }
    return fromProblems(problems);
  },
});
