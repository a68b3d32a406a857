/**
 * The stack's JSON-encoded outputs (`serverless`, `streaming`, `catalog`): parsed and validated in one place, so a
 * malformed or empty output is one clear line naming the fix instead of a crash deep in a command.
 */
import type { z } from "zod";
import { CliError } from "./errors";
import { PARSED_ONCE } from "../../environments/parsed-once";

export interface JsonOutputRules {
  /** The output's name in messages ("serverless", "catalog"). */
  output: string;
  /** What `{}` means for this output (a feature off, not deployed yet). */
  whenEmpty: () => CliError;
  /** The fix for a value that is not JSON or does not match (usually: redeploy). */
  fix: string;
}

export function parseJsonOutput<T>(json: string, schema: z.ZodType<T>, rules: JsonOutputRules): T {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CliError(`the stack's ${rules.output} output is not JSON; ${rules.fix}`);
  }
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 0) throw rules.whenEmpty();
  const parsed = schema.safeParse(raw, PARSED_ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`the stack's ${rules.output} output is malformed at ${issue.path.join(".") || "(root)"}: ${issue.message}; ${rules.fix}`);
  }
  return parsed.data;
}

/** An output that an environment's config switches on (`<output>.enabled`) and that is `{}` while off. */
export interface FeatureOutputRules<T> {
  environment: string;
  /** The output's name, also the config key whose `enabled` switches it ("serverless", "streaming"). */
  output: string;
  /** The feature in messages ("EMR Serverless", "streaming"). */
  feature: string;
  /** What the output names, in "… of <env> is unknown" ("the EMR Serverless application", "the stream"). */
  subject: string;
  schema: z.ZodType<T>;
}

/** Why the outputs hold nothing for the feature: the one line every command of that feature gives. */
function featureNotEnabled(rules: Pick<FeatureOutputRules<unknown>, "environment" | "output" | "feature">): CliError {
  const { environment, output, feature } = rules;
  return new CliError(`${feature} is not enabled for ${environment}; fix: set ${output}.enabled in environments/${environment}.ts and deploy (npm run deploy -- ${environment})`);
}

/** Parses a feature output's value (`{}` when the environment does not enable it); throws one line. */
export function parseFeatureOutput<T>(rules: FeatureOutputRules<T>, json: string): T {
  return parseJsonOutput(json, rules.schema, {
    output: rules.output,
    whenEmpty: () => featureNotEnabled(rules),
    fix: `fix: redeploy the environment (npm run deploy -- ${rules.environment})`,
  });
}

/**
 * The feature's output from the stack's outputs (`json`, undefined when they hold none). Without it, a config that
 * does not enable the feature is the likelier story, so it is named first; otherwise why the outputs are unreadable.
 */
export function featureFromOutputs<T>(rules: FeatureOutputRules<T>, enabled: boolean, json: string | undefined, unavailable: string | undefined): T {
  if (json !== undefined) return parseFeatureOutput(rules, json);
  if (!enabled) throw featureNotEnabled(rules);
  const why = unavailable ?? `the stack has no ${rules.output} output (deployed before ${rules.feature} existed)`;
  throw new CliError(`${rules.subject} of ${rules.environment} is unknown: ${why}; fix: npm run deploy -- ${rules.environment}`);
}
