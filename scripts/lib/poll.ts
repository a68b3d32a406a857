/**
 * Polling with exponential backoff, a deadline and Ctrl-C. Every wait in the CLI goes through `pollUntil`, so none
 * can hang forever.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Interrupted, WaitTimeout } from "./errors";

export interface PollOptions {
  timeoutMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Growth of the delay between probes. @default 1.5 */
  factor?: number;
  signal?: AbortSignal;
  now?: () => number;
  /** What Ctrl-C should tell the operator (how to resume). */
  interruptMessage?: string;
}

export type Probe<T> = { done: true; value: T } | { done: false };

/** Calls `probe` until it reports done, sleeping with backoff; WaitTimeout when the deadline passes. */
export async function pollUntil<T>(probe: () => Promise<Probe<T>>, options: PollOptions, what: string): Promise<T> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const factor = options.factor ?? 1.5;
  let delay = options.initialDelayMs;
  for (;;) {
    throwIfAborted(options);
    const result = await probe();
    if (result.done) return result.value;
    const remaining = deadline - now();
    if (remaining <= 0) throw new WaitTimeout(`timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for ${what}`);
    try {
      await sleep(Math.min(delay, remaining), undefined, { signal: options.signal });
    } catch (err) {
      if ((err as Error).name === "AbortError") throw interrupted(options);
      throw err;
    }
    delay = Math.min(delay * factor, options.maxDelayMs);
  }
}

function throwIfAborted(options: PollOptions): void {
  if (options.signal?.aborted) throw interrupted(options);
}

function interrupted(options: PollOptions): Interrupted {
  return new Interrupted(options.interruptMessage ?? "interrupted; nothing was changed or rolled back");
}
