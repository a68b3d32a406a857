/**
 * The stack's JSON-encoded outputs (`serverless`, `catalog`): parsed and validated in one place, so a malformed or
 * empty output is one clear line naming the fix instead of a crash deep in a command.
 */
import type { z } from "zod";
import { CliError } from "./errors";

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
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`the stack's ${rules.output} output is malformed at ${issue.path.join(".") || "(root)"}: ${issue.message}; ${rules.fix}`);
  }
  return parsed.data;
}
