import { serviceOnAnyResourceRule } from "./service-on-any-resource";

/**
 * Kinesis Data Streams actions are authorized per stream (and consumer) ARN ("Controlling access to Amazon Kinesis
 * Data Streams resources using IAM"): a reader with kinesis:GetRecords on `*` could read every stream of the account.
 */
export const kinesisNoWildcardResource = serviceOnAnyResourceRule({
  id: "kinesis-no-wildcard-resource",
  service: "kinesis",
  description: "Policies grant no Kinesis action on Resource `*`",
  fix: "the stream's ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)",
});
