import { RESOURCES } from "../../contracts/step-functions";
import { allStates, parseDefinition, transitions, type AslState } from "../state-machine-definition";
import { COMPLIANT, defineRule, fromProblems, NOT_APPLICABLE, nonCompliant } from "../rule";

const catchesAll = (state: AslState) => ((state.Catch as { ErrorEquals?: string[] }[] | undefined) ?? []).some((c) => c.ErrorEquals?.includes("States.ALL"));

/**
 * Once a state machine has created a cluster, no path may end the execution without passing a terminateCluster
 * state: every reachable Task/Parallel/Map catches States.ALL, every Choice has a Default, and no Succeed, Fail or
 * End is reachable before a terminate state (a stopped execution is the idle auto-termination's job).
 */
export const sfnFailuresTerminateCluster = defineRule({
  id: "sfn-failures-terminate-cluster",
  description: "After createCluster, every path (success or failure) reaches terminateCluster before the execution ends",
  appliesTo: ["aws_sfn_state_machine"],
  check: (resource) => {
    const parsed = parseDefinition(resource);
    if (!parsed.ok) return nonCompliant(parsed.reason);
    const states = parsed.definition.States ?? {};
    const creators = Object.entries(states).filter(([, s]) => s.Type === "Task" && s.Resource === RESOURCES.createCluster);
    const nested = allStates(parsed.definition).filter(([name, s]) => s.Resource === RESOURCES.createCluster && !(name in states));
    if (creators.length === 0 && nested.length === 0) return NOT_APPLICABLE;
    const problems: string[] = nested.map(([name]) => `createCluster state "${name}" sits inside a branch; fix: create the cluster at the top level`);
    for (const [createName, create] of creators) {
      const seen = new Set<string>();
      const queue = typeof create.Next === "string" ? [create.Next] : [];
      if (queue.length === 0) problems.push(`"${createName}" has no Next; fix: continue to the first step`);
      while (queue.length) {
        const name = queue.shift() as string;
        if (seen.has(name)) continue;
        seen.add(name);
        const state = states[name];
        if (!state) {
          problems.push(`"${name}" is not a state`);
          continue;
        }
        if (state.Type === "Task" && state.Resource === RESOURCES.terminateCluster) continue;
        const at = `after "${createName}", "${name}"`;
        if (state.Type === "Succeed" || state.Type === "Fail" || state.End === true) {
          problems.push(`${at} ends the execution with the cluster running; fix: route it through a terminateCluster.sync state`);
          continue;
        }
        if (["Task", "Parallel", "Map"].includes(String(state.Type)) && !catchesAll(state)) {
          problems.push(`${at} has no Catch for States.ALL, so its failure ends the execution with the cluster running; fix: catch States.ALL into the terminate path`);
        }
        if (state.Type === "Choice" && typeof state.Default !== "string") {
          problems.push(`${at} is a Choice without Default (States.NoChoiceMatched would end the execution); fix: add a Default`);
        }
        queue.push(...transitions(state));
      }
    }
    return problems.length ? fromProblems(problems) : COMPLIANT;
  },
});
