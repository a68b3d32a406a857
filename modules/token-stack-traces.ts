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
 * Makes the traces cdktf captures on plain objects empty, leaving every Error's stack as Node prints it. The synth
 * entry point calls it unless SYNTH_SOURCE_MAPS=1, which keeps Node's handler (source maps, and cdktf's token
 * creation stacks in its error messages) for debugging.
 */
export function skipTokenStackTraces(): void {
  Error.prepareStackTrace = (holder: unknown, frames: NodeJS.CallSite[]) => (holder instanceof Error ? nodeFormat(holder, frames) : "");
}
