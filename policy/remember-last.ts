/**
 * A parse of a text that remembers its last text and result. The guard runs its rules one after another on each
 * resource, so the rules that read the same state machine definition or policy string ask for it in a row; parsing it
 * once instead of once per rule was about a quarter of the guard's time (--cpu-prof). The result is shared between
 * those callers: they only read it. A parse that throws is not remembered.
 */
export function rememberingLast<T>(parse: (text: string) => T): (text: string) => T {
  let last: { readonly text: string; readonly result: T } | undefined;
  return (text) => {
    if (last?.text !== text) last = { text, result: parse(text) };
    return last.result;
  };
}
