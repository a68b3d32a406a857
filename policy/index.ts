/**
 * The policy engine: rules over a synthesized stack's JSON, exemptions with reasons, and the guard that runs them.
 * Add a rule in policy/rules/. The Aspect that runs the guard during synth lives in modules/aspects/.
 */
export { PLATFORM_EXEMPTIONS, ExemptionError, validateExemptions, pathMatches, type Exemption } from "./exemptions";
export { runPolicyGuard, formatFinding, formatGuardTotals, type Finding, type GuardReport, type PolicyGuardOptions } from "./guard";
export { POLICY_RULES, RULE_IDS, type RuleId } from "./rules";
export type { StackJson } from "./stack-json";
