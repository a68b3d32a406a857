/** The streaming guard rules: Kinesis streams encrypted with a customer key; no Kinesis permission on `*`. */
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { KinesisStream } from "@cdktf/provider-aws/lib/kinesis-stream";
import { RULE_IDS } from "../../policy";
import { kinesisNoWildcardResource } from "../../policy/rules/kinesis-no-wildcard-resource";
import { kinesisStreamEncrypted } from "../../policy/rules/kinesis-stream-encrypted";
import { KEY_ARN, checkRule, newStack, synthWithGuard } from "./fixtures";

const compliant = { status: "compliant" };
const nonCompliant = (reason: RegExp) => ({ status: "non-compliant", reason: expect.stringMatching(reason) });

describe("kinesis-stream-encrypted", () => {
  it("accepts KMS with a customer key, flags no encryption, a missing key and the AWS-managed key", () => {
    const stack = newStack();
    new KinesisStream(stack, "good", { name: "good", encryptionType: "KMS", kmsKeyId: KEY_ARN });
    new KinesisStream(stack, "bare", { name: "bare" });
    new KinesisStream(stack, "none", { name: "none", encryptionType: "NONE" });
    new KinesisStream(stack, "no-key", { name: "no-key", encryptionType: "KMS" });
    new KinesisStream(stack, "aws-key", { name: "aws-key", encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" });
    const at = (id: string) => checkRule(kinesisStreamEncrypted, stack, `aws_kinesis_stream.${id}`);
    expect(at("good")).toEqual(compliant);
    expect(at("bare")).toEqual(nonCompliant(/encryption_type is unset \(NONE\); fix: encryption_type = "KMS"/));
    expect(at("none")).toEqual(nonCompliant(/encryption_type is NONE; fix/));
    expect(at("no-key")).toEqual(nonCompliant(/names no kms_key_id/));
    expect(at("aws-key")).toEqual(nonCompliant(/AWS-managed alias\/aws\/kinesis; fix: the environment's customer-managed key/));
    expect(() => synthWithGuard(stack)).toThrow(/policy-guard:kinesis-stream-encrypted/);
  });
});

describe("kinesis-no-wildcard-resource", () => {
  it("accepts Kinesis on a stream ARN, flags Kinesis on * in documents and JSON strings", () => {
    const stack = newStack();
    const scoped = new DataAwsIamPolicyDocument(stack, "scoped", {
      statement: [
        { sid: "Read", actions: ["kinesis:GetRecords", "kinesis:ListShards"], resources: ["arn:aws:kinesis:eu-west-1:123456789012:stream/ticks"] },
        { sid: "Metrics", actions: ["cloudwatch:PutMetricData"], resources: ["*"] },
      ],
    });
    const open = new DataAwsIamPolicyDocument(stack, "open", { statement: [{ sid: "Ticks", actions: ["kinesis:GetRecords", "s3:GetObject"], resources: ["*"] }] });
    const denied = new DataAwsIamPolicyDocument(stack, "deny", { statement: [{ effect: "Deny", actions: ["kinesis:DeleteStream"], resources: ["*"] }] });
    new IamPolicy(stack, "literal", {
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kinesis:PutRecords"], Resource: "*" }] }),
    });
    const at = (address: string) => checkRule(kinesisNoWildcardResource, stack, address);
    expect(at(`data.aws_iam_policy_document.${scoped.friendlyUniqueId}`)).toEqual(compliant);
    expect(at(`data.aws_iam_policy_document.${denied.friendlyUniqueId}`)).toEqual(compliant);
    expect(at(`data.aws_iam_policy_document.${open.friendlyUniqueId}`)).toEqual(nonCompliant(/statement "Ticks" allows kinesis:GetRecords on "\*"; fix: the stream's ARN/));
    expect(at("aws_iam_policy.literal")).toEqual(nonCompliant(/policy statement 0 allows kinesis:PutRecords on "\*"/));
    expect(() => synthWithGuard(stack)).toThrow(/policy-guard:kinesis-no-wildcard-resource/);
  });

  it("both are guard rules", () => {
    expect(RULE_IDS).toEqual(expect.arrayContaining(["kinesis-stream-encrypted", "kinesis-no-wildcard-resource"]));
  });
});
