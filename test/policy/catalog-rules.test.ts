/** The catalog's guard rules: Athena workgroups enforce encrypted results; no Glue permission on `*`. */
import { AthenaWorkgroup, type AthenaWorkgroupConfiguration } from "@cdktf/provider-aws/lib/athena-workgroup";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import type { TerraformStack } from "cdktf";
import { RULE_IDS } from "../../policy";
import { athenaWorkgroupEncrypted } from "../../policy/rules/athena-workgroup-encrypted";
import { glueNoWildcardResource } from "../../policy/rules/glue-no-wildcard-resource";
import { KEY_ARN, checkRule, newStack, synthWithGuard } from "./fixtures";

const compliant = { status: "compliant" };
const nonCompliant = (reason: RegExp) => ({ status: "non-compliant", reason: expect.stringMatching(reason) });

const results = { outputLocation: "s3://logs/athena-results/", encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KEY_ARN } };
const workgroup = (stack: TerraformStack, id: string, configuration?: AthenaWorkgroupConfiguration) =>
  new AthenaWorkgroup(stack, id, { name: id, ...(configuration ? { configuration } : {}) });

describe("athena-workgroup-encrypted", () => {
  it("accepts an enforced SSE_KMS workgroup, flags each gap", () => {
    const stack = newStack();
    workgroup(stack, "good", { enforceWorkgroupConfiguration: true, resultConfiguration: results });
    workgroup(stack, "client-side", { enforceWorkgroupConfiguration: false, resultConfiguration: results });
    workgroup(stack, "s3-managed", { resultConfiguration: { ...results, encryptionConfiguration: { encryptionOption: "SSE_S3" } } });
    workgroup(stack, "no-key", { resultConfiguration: { ...results, encryptionConfiguration: { encryptionOption: "CSE_KMS" } } });
    workgroup(stack, "bare");
    const at = (id: string) => checkRule(athenaWorkgroupEncrypted, stack, `aws_athena_workgroup.${id}`);
    expect(at("good")).toEqual(compliant);
    expect(at("client-side")).toEqual(nonCompliant(/does not enforce its configuration; fix: enforce_workgroup_configuration = true/));
    expect(at("s3-managed")).toEqual(nonCompliant(/encrypts results with SSE_S3; fix: .*SSE_KMS/));
    expect(at("no-key")).toEqual(nonCompliant(/uses CSE_KMS without kms_key_arn/));
    expect(at("bare")).toEqual(nonCompliant(/encrypts results with nothing/));
    expect(() => synthWithGuard(stack)).toThrow(/policy-guard:athena-workgroup-encrypted/);
  });
});

describe("glue-no-wildcard-resource", () => {
  it("accepts Glue on named ARNs and other services on *, flags Glue on * in documents and JSON strings", () => {
    const stack = newStack();
    const scoped = new DataAwsIamPolicyDocument(stack, "scoped", {
      statement: [
        { sid: "Read", actions: ["glue:GetTable"], resources: ["arn:aws:glue:eu-west-1:123456789012:table/db/*"] },
        { sid: "Metrics", actions: ["cloudwatch:PutMetricData"], resources: ["*"] },
      ],
    });
    const open = new DataAwsIamPolicyDocument(stack, "open", { statement: [{ sid: "Catalog", actions: ["glue:GetTables", "s3:GetObject"], resources: ["*"] }] });
    const denied = new DataAwsIamPolicyDocument(stack, "deny", { statement: [{ effect: "Deny", actions: ["glue:DeleteTable"], resources: ["*"] }] });
    new IamPolicy(stack, "literal", {
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "glue:CreateTable", Resource: "*" }] }),
    });
    const at = (address: string) => checkRule(glueNoWildcardResource, stack, address);
    expect(at(`data.aws_iam_policy_document.${scoped.friendlyUniqueId}`)).toEqual(compliant);
    expect(at(`data.aws_iam_policy_document.${denied.friendlyUniqueId}`)).toEqual(compliant);
    expect(at(`data.aws_iam_policy_document.${open.friendlyUniqueId}`)).toEqual(nonCompliant(/statement "Catalog" allows glue:GetTables on "\*"; fix: the catalog, database/));
    expect(at("aws_iam_policy.literal")).toEqual(nonCompliant(/policy statement 0 allows glue:CreateTable on "\*"/));
    expect(() => synthWithGuard(stack)).toThrow(/policy-guard:glue-no-wildcard-resource/);
  });

  it("both are guard rules", () => {
    expect(RULE_IDS).toEqual(expect.arrayContaining(["athena-workgroup-encrypted", "glue-no-wildcard-resource"]));
  });
});
