/**
 * A synthesized definition as AWS will receive it, for the validators that must see real-looking values: every
 * Terraform reference (`${aws_iam_role.x.arn}`) becomes a dummy of the same shape (an IAM role ARN, a subnet id, a
 * bucket name), and escaped text (`$${…}`, `%%{…}`) becomes what Terraform hands the provider.
 */
import { terraformRendered } from "../../contracts/terraform-literal";
import { parseDefinition, type ParsedDefinition } from "../state-machine-definition";
import type { ResolvedResource } from "../stack-json";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

const nameOf = (resource: string) => resource.toLowerCase().replace(/_/g, "-").replace(/[^a-z0-9.-]/g, "").slice(0, 63) || "dummy";

/** The dummy for one `${…}` expression; anything but a plain attribute reference becomes "dummy". */
export function dummyFor(expression: string): string {
  const match = /^(?:data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)$/.exec(expression.trim());
  if (!match) return "dummy";
  const [, type, resource, attribute] = match;
  const name = nameOf(resource);
  if (attribute === "account_id") return ACCOUNT;
  if (attribute === "partition") return "aws";
  if (type === "aws_region" || attribute === "region") return REGION;
  if (attribute === "arn") {
    const arns: Record<string, string> = {
      aws_iam_role: `arn:aws:iam::${ACCOUNT}:role/${name}`,
      aws_iam_instance_profile: `arn:aws:iam::${ACCOUNT}:instance-profile/${name}`,
      aws_iam_policy: `arn:aws:iam::${ACCOUNT}:policy/${name}`,
      aws_s3_bucket: `arn:aws:s3:::${name}`,
      aws_sns_topic: `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`,
      aws_sqs_queue: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
      aws_sfn_state_machine: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`,
      aws_lambda_function: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
      aws_kms_key: `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`,
      aws_cloudwatch_log_group: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`,
    };
    return arns[type] ?? `arn:aws:${type.replace(/^aws_/, "").split("_")[0]}:${REGION}:${ACCOUNT}:${name}`;
  }
  if (attribute === "id") {
    const ids: Record<string, string> = { aws_subnet: "subnet-0123456789abcdef0", aws_security_group: "sg-0123456789abcdef0", aws_vpc: "vpc-0123456789abcdef0" };
    return ids[type] ?? name;
  }
  return name;
}

/** Replaces unescaped `${…}` (a Terraform interpolation; `$${` is an escaped literal) and then renders the escapes. */
export function withDummyReferences(text: string): string {
  return terraformRendered(text.replace(/(?<!\$)\$\{([^{}]*)\}/g, (_all, expression: string) => dummyFor(expression)));
}

/** The resource's definition with dummies in place of references, parsed. */
export function definitionWithDummies(resource: ResolvedResource): ParsedDefinition {
  return parseDefinition(resource, withDummyReferences);
}
