/** Policy JSON strings and policy document blocks normalize to the same statements. */
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { parsePolicyJson, resolvePolicy, statementsOfDocument } from "../../policy/policy-document";
import { StackIndex, type StackJson } from "../../policy/stack-json";
import { newStack } from "./fixtures";

describe("parsePolicyJson", () => {
  it("reads single or listed statements, string or listed actions, principals and conditions", () => {
    const statements = parsePolicyJson(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: {
          Sid: "TlsOnly",
          Effect: "Deny",
          Principal: { AWS: "*" },
          Action: "s3:*",
          Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
          Condition: { Bool: { "aws:SecureTransport": false } },
        },
      }),
    );
    expect(statements).toEqual([
      {
        sid: "TlsOnly",
        effect: "Deny",
        actions: ["s3:*"],
        notActions: [],
        resources: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
        principals: ["*"],
        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("defaults Effect to Allow only when it is not Deny", () => {
    expect(parsePolicyJson('{"Statement":[{"Action":"s3:GetObject"}]}')[0].effect).toBe("Allow");
  });

  it("fails if the text is not a JSON object", () => {
    expect(() => parsePolicyJson("[]")).toThrow(/not a JSON object/);
    expect(() => parsePolicyJson("${jsonencode(local.p)}")).toThrow(SyntaxError);
  });
});

describe("statementsOfDocument and resolvePolicy", () => {
  it("normalizes a policy document block like the JSON it renders", () => {
    const stack = newStack();
    new DataAwsIamPolicyDocument(stack, "doc", {
      statement: [
        {
          effect: "Deny",
          actions: ["s3:*"],
          resources: ["arn:aws:s3:::b"],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    const index = new StackIndex(stack.toTerraform() as StackJson);
    const source = resolvePolicy("${data.aws_iam_policy_document.doc.json}", index);
    expect(source).toEqual({ kind: "document", document: expect.objectContaining({ address: "data.aws_iam_policy_document.doc" }) });
    expect(statementsOfDocument(index.get("data.aws_iam_policy_document.doc")!)).toEqual([
      {
        sid: undefined,
        effect: "Deny",
        actions: ["s3:*"],
        notActions: [],
        resources: ["arn:aws:s3:::b"],
        principals: ["*"],
        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("calls a reference to a document outside the stack unreadable", () => {
    const index = new StackIndex({});
    expect(resolvePolicy("${data.aws_iam_policy_document.gone.json}", index)).toEqual({
      kind: "unreadable",
      reason: "references data.aws_iam_policy_document.gone, which is not in this stack",
    });
  });
});
