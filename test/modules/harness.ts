import { Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import { AccountContext } from "../../modules/core/account-context";

/** Synthesizes `build` inside a stack with an AWS provider and account context; returns the parsed Terraform JSON. */
export function synthWith(build: (scope: Construct, account: AccountContext) => void): { json: string; parsed: TerraformJson } {
  const json = Testing.synthScope((scope) => {
    new AwsProvider(scope, "aws", { region: "eu-west-1" });
    build(scope, new AccountContext(scope, "account", "eu-west-1"));
  });
  return { json, parsed: JSON.parse(json) as TerraformJson };
}

export interface TerraformJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
}

/** All resources of one type, as [logicalId, config] pairs. */
export function resources(json: TerraformJson, type: string): [string, Record<string, any>][] {
  return Object.entries(json.resource?.[type] ?? {}) as [string, Record<string, any>][];
}

/** Every statement of every aws_iam_policy_document data source. */
export function policyStatements(json: TerraformJson): Record<string, any>[] {
  return Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap((doc: any) => doc.statement ?? []);
}

/** The statements of the policy document whose logical id contains `fragment`. */
export function documentStatements(json: TerraformJson, fragment: string): Record<string, any>[] {
  const docs = Object.entries(json.data?.aws_iam_policy_document ?? {}).filter(([id]) => id.includes(fragment));
  if (docs.length !== 1) throw new Error(`expected one policy document matching ${fragment}, found ${docs.map(([id]) => id).join(", ") || "none"}`);
  return (docs[0][1] as any).statement;
}

/**
 * `list`, after failing the test when it is empty: a loop or `.every()` over it then asserts something about at least
 * one element, instead of passing vacuously when the stack has none.
 */
export function nonEmpty<T>(list: readonly T[]): readonly T[] {
  if (list.length === 0) throw new Error("expected at least one element to assert on, found none");
  return list;
}
