/**
 * The shape of a policy rule, modelled on cdk-nag: a pure function over one resolved resource (plus the whole stack
 * when the rule must see related resources) that answers compliant, non-compliant with a reason, or not-applicable.
 */
import type { ResolvedResource, StackIndex } from "./stack-json";

export type RuleResult =
  | { readonly status: "compliant" }
  | { readonly status: "non-compliant"; readonly reason: string }
  | { readonly status: "not-applicable" };

export const COMPLIANT: RuleResult = { status: "compliant" };
export const NOT_APPLICABLE: RuleResult = { status: "not-applicable" };

/** `reason` says what is wrong and how to fix it, in one line. */
export const nonCompliant = (reason: string): RuleResult => ({ status: "non-compliant", reason });

/** Compliant when `problems` is empty, else one non-compliant result listing them all. */
export const fromProblems = (problems: readonly string[]): RuleResult =>
  problems.length === 0 ? COMPLIANT : nonCompliant(problems.join("; "));

export interface PolicyRule<Id extends string = string> {
  readonly id: Id;
  /** One line: what the rule requires. */
  readonly description: string;
  /** Terraform types the rule reads; data sources as `data.<type>`. */
  readonly appliesTo: readonly string[];
  readonly check: (resource: ResolvedResource, stack: StackIndex) => RuleResult;
}

/** Keeps the literal id type, so `RuleId` is the union of every rule's id. */
export function defineRule<const Id extends string>(rule: PolicyRule<Id>): PolicyRule<Id> {
  return rule;
}
