/**
 * The checkov skip file (`checkov/skips.json`): every failed check we accept, scoped to the construct paths it applies
 * to, with the reason. Data, never a silent `--skip-check`: a skip that matches nothing is reported as stale.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { pathMatches } from "../../policy/exemptions";
import { PARSED_ONCE } from "../../environments/parsed-once";

export const DEFAULT_SKIP_FILE = "checkov/skips.json";

const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/;

const skipSchema = z.strictObject({
  check: z.string().regex(CHECK_ID, "must be a checkov check id such as CKV_AWS_144"),
  paths: z
    .array(z.string().trim().min(1, "must not be empty"))
    .min(1, "must list at least one construct path glob, e.g. emr-*/storage/*/bucket"),
  reason: z.string().trim().min(20, "must say why the finding is acceptable for this codebase (at least 20 characters)"),
});

const skipFileSchema = z.strictObject({
  $comment: z.string().optional(),
  skips: z.array(skipSchema),
});

export type CheckovSkip = z.infer<typeof skipSchema>;

export class SkipFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SkipFileError";
  }
}

/** Validates a skip file's text; one SkipFileError naming every bad field of every entry. */
export function parseSkips(text: string, source = DEFAULT_SKIP_FILE): CheckovSkip[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SkipFileError(`${source}: not valid JSON (${(error as Error).message}); fix: check the syntax`);
  }
  const result = skipFileSchema.safeParse(raw, PARSED_ONCE);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"} ${issue.message}`);
    throw new SkipFileError(`${source}: ${problems.join("; ")}`);
  }
  const seen = new Set<string>();
  const duplicates = result.data.skips
    .map((skip) => skip.check)
    .filter((check) => (seen.has(check) ? true : (seen.add(check), false)));
  if (duplicates.length) {
    throw new SkipFileError(`${source}: ${duplicates.join(", ")} listed more than once; fix: one entry per check, several paths`);
  }
  return result.data.skips;
}

export function loadSkips(file = DEFAULT_SKIP_FILE): CheckovSkip[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new SkipFileError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseSkips(text, file);
}

/** The skip covering `check` on the resource at construct path `path`, if any. */
export function findSkip(skips: readonly CheckovSkip[], check: string, path: string): CheckovSkip | undefined {
  return skips.find((skip) => skip.check === check && skip.paths.some((glob) => pathMatches(glob, path)));
}
