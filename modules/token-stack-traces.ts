/**
 * cdktf records a full stack trace (no depth limit) for every token it creates (`captureStackTrace` in
 * cdktf/lib/tokens/private/stack-trace.js, on each attribute reference and complex attribute), kept only to decorate
 * an error about that token. Formatting those traces was about 8% of `npm run synth` (npm run bench, --cpu-prof).
 */

/** Node's own format of an error's stack (lib/internal/errors.js, when no source maps apply): what Errors still get. */
function nodeFormat(error: Error, frames: NodeJS.CallSite[]): string {
  const header = Error.prototype.toString.call(error);
  return frames.length === 0 ? header : `${header}\n    at ${frames.join("\n    at ")}`;
}

/**
 * cdktf's `captureStackTrace` made to return no frames: with only the handler below, V8 still collects every frame of
 * every token (the limit raised to MAX_SAFE_INTEGER) and builds a call site for each before the handler sees them,
 * about 6% of synth (--cpu-prof). cdktf's modules read the function from this module object at each call. A cdktf
 * that moved the module keeps its own function, and the handler below still applies.
 */
function skipCdktfCapture(): void {
  let stackTrace: { captureStackTrace?: unknown };
  try {
    // Private to cdktf, hence by path; every token's creation stack comes from it.
    stackTrace = require("cdktf/lib/tokens/private/stack-trace") as typeof stackTrace; // eslint-disable-line @typescript-eslint/no-require-imports
  } catch {
    return;
  }
  if (typeof stackTrace.captureStackTrace === "function") stackTrace.captureStackTrace = (): string[] => [];
}

/**
 * Makes the traces cdktf captures for its tokens empty, leaving every Error's stack as Node prints it. The synth
 * entry point calls it unless SYNTH_SOURCE_MAPS=1, which keeps Node's handler (source maps, and cdktf's token
 * creation stacks in its error messages) for debugging.
 */
export function skipTokenStackTraces(): void {
  skipCdktfCapture();
  Error.prepareStackTrace = (holder: unknown, frames: NodeJS.CallSite[]) => (holder instanceof Error ? nodeFormat(holder, frames) : "");
}
