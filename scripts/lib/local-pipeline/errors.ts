/**
 * States errors: what a state raises, and how Retry and Catch match it. The rules are the States Language's
 * (https://states-language.net/spec.html#appendix-a, https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html):
 * - `States.ALL` matches every error name except `States.Runtime` and `States.DataLimitExceeded`, which no Retry
 *   or Catch can handle;
 * - `States.TaskFailed` matches every error name except `States.Timeout` (and the two terminal ones above);
 * - any other name matches itself only.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An error a state raises: `Error` is the name Retry and Catch match, `Cause` the human text. */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
  }

  /** The `{Error, Cause}` object a Catch places at its ResultPath. */
  toJson(): { Error: string; Cause: string } {
    return { Error: this.error, Cause: this.cause };
  }
}

/** A definition the interpreter cannot run (an unknown construct, a bad path): terminal, like States.Runtime. */
export function runtimeError(state: string, what: string): StatesError {
  return new StatesError("States.Runtime", `state "${state}": ${what}`);
}

const TERMINAL = new Set(["States.Runtime", "States.DataLimitExceeded"]);

/** Whether one Retry or Catch `ErrorEquals` list handles the error name. */
export function errorMatches(errorEquals: readonly string[], name: string): boolean {
  if (TERMINAL.has(name)) return false;
  return errorEquals.some((pattern) => {
    if (pattern === "States.ALL") return true;
    if (pattern === "States.TaskFailed") return name !== "States.Timeout";
    return pattern === name;
  });
}
