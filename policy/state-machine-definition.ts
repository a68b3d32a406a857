/**
 * Reads a synthesized `aws_sfn_state_machine` definition (a JSON string checkov cannot look into) for the guard's
 * Step Functions rules: the parsed definition, and its states as a graph of transitions.
 */
import { terraformRendered } from "../contracts/terraform-literal";
import { rememberingLast } from "./remember-last";
import type { ResolvedResource } from "./stack-json";

export type AslState = Record<string, unknown> & { Type?: string };
export interface AslDefinition {
  readonly StartAt?: string;
  readonly TimeoutSeconds?: unknown;
  readonly States?: Record<string, AslState>;
}

export type ParsedDefinition = { readonly ok: true; readonly definition: AslDefinition } | { readonly ok: false; readonly reason: string };

/**
 * The resource's definition, parsed. `render` turns the Terraform string into the JSON AWS receives: by default the
 * escapes are rendered and references kept as text; the definition rules pass one that also puts dummies in.
 */
export function parseDefinition(resource: ResolvedResource, render: (text: string) => string = terraformRendered): ParsedDefinition {
  const text = resource.config.definition;
  if (typeof text !== "string") return { ok: false, reason: "definition is not a string; fix: render it with JSON.stringify of the generated ASL" };
  return parserFor(render)(text);
}

const parsers = new WeakMap<(text: string) => string, (text: string) => ParsedDefinition>();

/** One remembering parser per render function: several rules parse each definition, some with the same render. */
function parserFor(render: (text: string) => string): (text: string) => ParsedDefinition {
  let parser = parsers.get(render);
  if (!parser) parsers.set(render, (parser = rememberingLast((text) => parseRendered(text, render))));
  return parser;
}

function parseRendered(text: string, render: (text: string) => string): ParsedDefinition {
  try {
    const parsed = JSON.parse(render(text)) as unknown;
    if (!parsed || typeof parsed !== "object" || !("States" in parsed)) return { ok: false, reason: "definition has no States; fix: generate it with modules/pipeline/asl-builder.ts" };
    return { ok: true, definition: parsed as AslDefinition };
  } catch {
    return { ok: false, reason: "definition is not literal JSON (a Terraform function?); fix: render it with JSON.stringify so the guard can read it" };
  }
}

/** Every state at any depth with its path from the root, e.g. `States["Run x"].Branches[0].States["Run y"]`. */
export function statesWithPaths(definition: AslDefinition): { name: string; path: string; state: AslState }[] {
  const out: { name: string; path: string; state: AslState }[] = [];
  const visit = (states: Record<string, AslState> | undefined, at: string) => {
    for (const [name, state] of Object.entries(states ?? {})) {
      const path = `${at}States[${JSON.stringify(name)}]`;
      out.push({ name, path, state });
      ((state.Branches as AslDefinition[] | undefined) ?? []).forEach((branch, i) => visit(branch.States, `${path}.Branches[${i}].`));
      for (const key of ["ItemProcessor", "Iterator"] as const) {
        const processor = state[key] as AslDefinition | undefined;
        if (processor) visit(processor.States, `${path}.${key}.`);
      }
    }
  };
  visit(definition.States, "");
  return out;
}

/** Every state with its name, at any depth (Parallel branches, Map processors). */
export function allStates(definition: AslDefinition): [string, AslState][] {
  return statesWithPaths(definition).map(({ name, state }) => [name, state]);
}

/** Where a top-level state may go next: Next, Choice targets and Default, Catch targets. */
export function transitions(state: AslState): string[] {
  const choices = ((state.Choices as { Next?: string }[] | undefined) ?? []).map((c) => c.Next);
  const catches = ((state.Catch as { Next?: string }[] | undefined) ?? []).map((c) => c.Next);
  return [state.Next, state.Default, ...choices, ...catches].filter((n): n is string => typeof n === "string");
}

