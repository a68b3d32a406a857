/**
 * Exemptions from the policy guard: data with a written reason, never a silent skip. An exempted finding still
 * appears in synth output and in `npm run summary` as "exempted: <reason>"; an exemption that matches nothing is
 * reported as stale.
 */
import { RULE_IDS, type RuleId } from "./rules";

export interface Exemption {
  readonly rule: RuleId;
  /**
   * Construct path of the offending resource, e.g. `emr-prod/storage/logs/bucket`. Globs: `*` matches within one
   * path segment, `**` across segments (`emr-*\/storage/logs/**`).
   */
  readonly path: string;
  /** Why the finding is acceptable and who decided: required, shown wherever the finding is reported. */
  readonly reason: string;
}

/**
 * The platform's exemptions, used by `applyPlatformAspects` and `npm run summary`. Empty: every rule holds for every
 * environment. Add an entry only with a reason a reviewer can check, e.g.
 *   { rule: "s3-bucket-sse-kms", path: "emr-*\/storage/access-logs/bucket", reason: "..." }
 */
export const PLATFORM_EXEMPTIONS: readonly Exemption[] = [];

export class ExemptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExemptionError";
  }
}

/** Throws one ExemptionError listing every exemption without a known rule, a path or a reason. */
export function validateExemptions(exemptions: readonly Exemption[]): void {
  const problems = exemptions.flatMap((e, i) => {
    const at = `exemptions[${i}] (${String(e.rule)} at ${String(e.path)})`;
    return [
      ...(RULE_IDS.includes(e.rule) ? [] : [`${at}: unknown rule; fix: one of ${RULE_IDS.join(", ")}`]),
      ...(typeof e.path === "string" && e.path.trim() ? [] : [`${at}: empty path; fix: the construct path or a glob`]),
      ...(typeof e.reason === "string" && e.reason.trim()
        ? []
        : [`${at}: exemption without a reason; fix: write why the finding is acceptable`]),
    ];
  });
  if (problems.length) throw new ExemptionError(`policy guard: ${problems.join("; ")}`);
}

function globToRegExp(glob: string): RegExp {
  const pattern = glob
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^/]*"),
    )
    .join(".*");
  return new RegExp(`^${pattern}$`);
}

export function pathMatches(glob: string, path: string): boolean {
  return globToRegExp(glob).test(path);
}
