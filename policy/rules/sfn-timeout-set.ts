import { parseDefinition } from "../state-machine-definition";
import { defineRule, fromProblems, nonCompliant } from "../rule";

/** Step Functions' own ceiling for a standard execution: one year. */
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/** A definition without TimeoutSeconds runs (and bills a cluster) for up to a year. */
export const sfnTimeoutSet = defineRule({
  id: "sfn-timeout-set",
  description: "Every state machine definition sets a top-level TimeoutSeconds",
  appliesTo: ["aws_sfn_state_machine"],
  check: (resource) => {
    const parsed = parseDefinition(resource);
    if (!parsed.ok) return nonCompliant(parsed.reason);
    const timeout = parsed.definition.TimeoutSeconds;
    return fromProblems(
      typeof timeout === "number" && Number.isInteger(timeout) && timeout > 0 && timeout < ONE_YEAR_SECONDS
        ? []
        : [`TimeoutSeconds is ${timeout === undefined ? "unset" : JSON.stringify(timeout)}; fix: set the pipeline's timeoutMinutes`],
    );
  },
});
