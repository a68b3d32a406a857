import { allStates, parseDefinition } from "../state-machine-definition";
import { defineRule, fromProblems, nonCompliant } from "../rule";

/** The most attempts a retrier may declare: beyond this a retry loop hides a broken job for hours. */
export const MAX_RETRY_ATTEMPTS = 10;

/** Every Task has a Retry, and every retrier states its MaxAttempts (0–10) explicitly instead of inheriting 3. */
export const sfnRetryBounded = defineRule({
  id: "sfn-retry-bounded",
  description: `Every Task state has a Retry whose retriers each set MaxAttempts between 0 and ${MAX_RETRY_ATTEMPTS}`,
  appliesTo: ["aws_sfn_state_machine"],
  check: (resource) => {
    const parsed = parseDefinition(resource);
    if (!parsed.ok) return nonCompliant(parsed.reason);
    const problems = allStates(parsed.definition).flatMap(([name, state]) => {
      if (state.Type !== "Task") return [];
      const retriers = state.Retry as { MaxAttempts?: unknown }[] | undefined;
      if (!Array.isArray(retriers) || retriers.length === 0) return [`Task "${name}" has no Retry; fix: add one with an explicit MaxAttempts`];
      return retriers.flatMap((r, i) => {
        const max = r.MaxAttempts;
        return typeof max === "number" && Number.isInteger(max) && max >= 0 && max <= MAX_RETRY_ATTEMPTS
          ? []
          : [`Task "${name}" Retry[${i}] MaxAttempts is ${max === undefined ? "unset (defaults to 3, implicitly)" : JSON.stringify(max)}; fix: an integer 0–${MAX_RETRY_ATTEMPTS}`];
      });
    });
    return fromProblems(problems);
  },
});
