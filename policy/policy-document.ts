/**
 * IAM policy documents in one normalized shape, whether they arrive as a `data.aws_iam_policy_document` block or as a
 * JSON string in a resource attribute. checkov reads such JSON strings as unknown and skips them; the guard parses
 * them instead, and reports a string it cannot parse rather than passing it.
 */
import { rememberingLast } from "./remember-last";
import { blocks, isRecord, strings, type ResolvedResource, type StackIndex } from "./stack-json";

export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  /** `*` stands for "everyone" (`Principal: "*"` or `{ AWS: "*" }`). */
  readonly principals: readonly string[];
  readonly conditions: readonly PolicyCondition[];
}

export type PolicySource =
  | { readonly kind: "statements"; readonly statements: readonly PolicyStatement[] }
  /** The string is `${data.aws_iam_policy_document.<name>.json}`: the document is checked where it is declared. */
  | { readonly kind: "document"; readonly document: ResolvedResource }
  | { readonly kind: "unreadable"; readonly reason: string };

const DOCUMENT_REFERENCE = /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(?:json|minified_json)\}$/;

function effectOf(value: unknown): "Allow" | "Deny" {
  return value === "Deny" ? "Deny" : "Allow";
}

function principalsOfJson(value: unknown): string[] {
  if (value === "*") return ["*"];
  if (!isRecord(value)) return [];
  return Object.values(value).flatMap(strings);
}

function conditionsOfJson(value: unknown): PolicyCondition[] {
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([test, byVariable]) =>
    isRecord(byVariable)
      ? Object.entries(byVariable).map(([variable, values]) => ({
          test,
          variable,
          values: (Array.isArray(values) ? values : [values]).map(String),
        }))
      : [],
  );
}

/** Statements of a policy JSON string; throws on text that is not a policy document. */
export function parsePolicyJson(text: string): PolicyStatement[] {
  const doc: unknown = JSON.parse(text);
  if (!isRecord(doc)) throw new Error("not a JSON object");
  return blocks(doc.Statement).map((s) => ({
    sid: typeof s.Sid === "string" ? s.Sid : undefined,
    effect: effectOf(s.Effect),
    actions: strings(s.Action),
    notActions: strings(s.NotAction),
    resources: strings(s.Resource),
    principals: principalsOfJson(s.Principal),
    conditions: conditionsOfJson(s.Condition),
  }));
}

const parsePolicyJsonOnce = rememberingLast(parsePolicyJson);

/** Statements declared in a `data.aws_iam_policy_document` block (its own `statement` blocks only). */
export function statementsOfDocument(document: ResolvedResource): PolicyStatement[] {
  return blocks(document.config.statement).map((s) => ({
    sid: typeof s.sid === "string" ? s.sid : undefined,
    effect: effectOf(s.effect),
    actions: strings(s.actions),
    notActions: strings(s.not_actions),
    resources: strings(s.resources),
    principals: blocks(s.principals).flatMap((p) => (p.type === "*" ? ["*"] : strings(p.identifiers))),
    conditions: blocks(s.condition).map((c) => ({
      test: String(c.test ?? ""),
      variable: String(c.variable ?? ""),
      values: strings(c.values),
    })),
  }));
}

/** What a policy attribute's value is: literal statements, a reference to a document in this stack, or unreadable. */
export function resolvePolicy(value: unknown, stack: StackIndex): PolicySource {
  if (typeof value !== "string") return { kind: "unreadable", reason: "is not a string" };
  const reference = DOCUMENT_REFERENCE.exec(value);
  if (reference) {
    const document = stack.get(reference[1]);
    return document
      ? { kind: "document", document }
      : { kind: "unreadable", reason: `references ${reference[1]}, which is not in this stack` };
  }
  try {
    return { kind: "statements", statements: parsePolicyJsonOnce(value) };
  } catch {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return {
      kind: "unreadable",
      reason: `is not literal policy JSON (${shown}); fix: render it with DataAwsIamPolicyDocument or JSON.stringify`,
    };
  }
}

/** Statements behind a policy value, following a document reference; undefined when unreadable. */
export function statementsOf(value: unknown, stack: StackIndex): PolicyStatement[] | undefined {
  const source = resolvePolicy(value, stack);
  if (source.kind === "statements") return [...source.statements];
  if (source.kind === "document") return statementsOfDocument(source.document);
  return undefined;
}

/**
 * Policy-bearing attributes per resource type, as paths into the resolved config (`a[].b` = attribute b of every
 * block a). Covers the resources this platform can create; extend it when a module adds another policy holder.
 */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_policy: ["policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_user_policy: ["policy"],
  aws_iam_group_policy: ["policy"],
  aws_iam_role: ["assume_role_policy", "inline_policy[].policy"],
  aws_s3_bucket: ["policy"],
  aws_s3_bucket_policy: ["policy"],
  aws_kms_key: ["policy"],
  aws_kms_key_policy: ["policy"],
  aws_sns_topic: ["policy"],
  aws_sns_topic_policy: ["policy"],
  aws_sqs_queue: ["policy"],
  aws_sqs_queue_policy: ["policy"],
  aws_cloudwatch_log_resource_policy: ["policy_document"],
  "data.aws_iam_policy_document": ["source_policy_documents", "override_policy_documents"],
};

/** `[attribute label, value]` for every policy string a resource carries. */
export function policyValues(resource: ResolvedResource): Array<[string, unknown]> {
  const key = resource.mode === "data" ? `data.${resource.type}` : resource.type;
  const out: Array<[string, unknown]> = [];
  for (const path of POLICY_ATTRIBUTES[key] ?? []) {
    const [head, tail] = path.split("[].");
    const raw = resource.config[head];
    if (tail === undefined) {
      if (raw === undefined || raw === null) continue;
      // source/override_policy_documents are lists of JSON strings.
      if (Array.isArray(raw)) raw.forEach((v, i) => out.push([`${head}[${i}]`, v]));
      else out.push([head, raw]);
    } else {
      blocks(raw).forEach((block, i) => {
        if (block[tail] !== undefined && block[tail] !== null) out.push([`${head}[${i}].${tail}`, block[tail]]);
      });
    }
  }
  return out;
}

/**
 * `problemsOf` over every policy a resource carries: a policy document's own statement blocks, and each policy JSON
 * string (a string referencing a document is skipped: the document is checked as its own resource, so its findings
 * land on the construct that declares it). `unreadable` names a string that is neither, when the rule reports those.
 */
export function policyProblems(
  resource: ResolvedResource,
  stack: StackIndex,
  problemsOf: (statements: readonly PolicyStatement[], where: string) => string[],
  options: { readonly reportUnreadable: boolean },
): string[] {
  const problems = resource.mode === "data" ? problemsOf(statementsOfDocument(resource), "statement block") : [];
  for (const [attribute, value] of policyValues(resource)) {
    const source = resolvePolicy(value, stack);
    if (source.kind === "statements") problems.push(...problemsOf(source.statements, attribute));
    if (source.kind === "unreadable" && options.reportUnreadable) problems.push(`${attribute} ${source.reason}`);
  }
  return problems;
}
