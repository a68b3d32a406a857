/**
 * Reads a synthesized `aws_sfn_state_machine` definition (a JSON string checkov cannot look into) for the guard's
 * Step Functions rules: the parsed definition, and its states as a graph of transitions.
 */
import { terraformRendered } from "../contracts/terraform-literal";
import type { ResolvedResource } from "./stack-json";

export type AslState = Record<string, unknown> & { Type?: string };
export interface AslDefinition {
  readonly StartAt?: string;
  readonly TimeoutSeconds?: unknown;
  readonly States?: Record<string, AslState>;
}

export type ParsedDefinition = { readonly ok: true; readonly definition: AslDefinition } | { readonly ok: false; readonly reason: string };

export function parseDefinition(resource: ResolvedResource): ParsedDefinition {
  const text = resource.config.definition;
  if (typeof text !== "string") return { ok: false, reason: "definition is not a string; fix: render it with JSON.stringify of the generated ASL" };
  try {
    const parsed = JSON.parse(terraformRendered(text)) as unknown;
    if (!parsed || typeof parsed !== "object" || !("States" in parsed)) return { ok: false, reason: "definition has no States; fix: generate it with modules/pipeline/asl-builder.ts" };
    return { ok: true, definition: parsed as AslDefinition };
  } catch {
    return { ok: false, reason: "definition is not literal JSON (a Terraform function?); fix: render it with JSON.stringify so the guard can read it" };
  }
}

/** Every Task state with its name, at any depth (Parallel branches, Map processors). */
export function allStates(definition: AslDefinition): [string, AslState][] {
  const out: [string, AslState][] = [];
  const visit = (states: Record<string, AslState> | undefined) => {
    for (const [name, state] of Object.entries(states ?? {})) {
      out.push([name, state]);
      for (const branch of (state.Branches as AslDefinition[] | undefined) ?? []) visit(branch.States);
      const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
      if (processor) visit(processor.States);
    }
  };
  visit(definition.States);
  return out;
}

/** Where a top-level state may go next: Next, Choice targets and Default, Catch targets. */
export function transitions(state: AslState): string[] {
  const choices = ((state.Choices as { Next?: string }[] | undefined) ?? []).map((c) => c.Next);
  const catches = ((state.Catch as { Next?: string }[] | undefined) ?? []).map((c) => c.Next);
  return [state.Next, state.Default, ...choices, ...catches].filter((n): n is string => typeof n === "string");
}

