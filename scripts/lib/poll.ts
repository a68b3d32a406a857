/**
 * Polling with exponential backoff, a deadline and Ctrl-C. Every wait in the CLI goes through `pollUntil`, so none
 * can hang forever: the deadline and Ctrl-C also cut a probe whose AWS call is still in flight.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { CliError, describeError, Interrupted, WaitTimeout } from "./errors";
import { formatDuration, type Reporter } from "./output";

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

/**
 * Runs one probe, but gives up when the deadline passes or Ctrl-C arrives, whichever is first. The probe gets a
 * signal to hand to `client.send(command, { abortSignal })`, which destroys the request instead of leaving it open.
 */
async function boundedProbe<T>(probe: (signal: AbortSignal) => Promise<Probe<T>>, options: PollOptions, remainingMs: number, timeout: () => WaitTimeout): Promise<Probe<T>> {
  const cut = new AbortController();
  let reason: "deadline" | "interrupt" | undefined;
  const timer = setTimeout(() => {
    reason = "deadline";
    cut.abort();
  }, Math.max(0, remainingMs));
  const onInterrupt = () => {
    reason = "interrupt";
    cut.abort();
  };
  options.signal?.addEventListener("abort", onInterrupt, { once: true });
  const stopped = new Promise<never>((_, reject) => {
    cut.signal.addEventListener("abort", () => reject(reason === "interrupt" ? interrupted(options) : timeout()), { once: true });
  });
  stopped.catch(() => undefined);
  try {
    return await Promise.race([probe(cut.signal), stopped]);
  } catch (err) {
    // The SDK's own abort error is only the echo of our cut: report why we cut.
    if (reason) throw reason === "interrupt" ? interrupted(options) : timeout();
    throw err;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onInterrupt);
  }
}

/** Calls `probe` until it reports done, sleeping with backoff; WaitTimeout when the deadline passes. */
export async function pollUntil<T>(probe: (signal: AbortSignal) => Promise<Probe<T>>, options: PollOptions, what: string): Promise<T> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const factor = options.factor ?? 1.5;
  const timeout = () => new WaitTimeout(`timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for ${what}`);
  let delay = options.initialDelayMs;
  for (;;) {
    throwIfAborted(options);
    const result = await boundedProbe(probe, options, deadline - now(), timeout);
    if (result.done) return result.value;
    const remaining = deadline - now();
    if (remaining <= 0) throw timeout();
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

/** A step or job run being followed: what it is called in messages, and where it keeps running after we stop waiting. */
export interface FollowedWork {
  /** "step", "job run" */
  noun: string;
  id: string;
  /** The cluster or application it runs on. */
  host: string;
}

export interface FollowOptions extends Omit<PollOptions, "interruptMessage"> {
  reporter: Reporter;
  /** How to follow it after Ctrl-C, a timeout or a lost connection (it keeps running). */
  resumeHint: string;
}

/**
 * Polls `read` until the work ends, showing "<noun> <id>: <state> · <elapsed>" on each state change. Ctrl-C, the
 * deadline and an AWS error end the wait, not the work: each says where it keeps running and how to follow it.
 */
export async function followUntilEnded<T>(
  work: FollowedWork,
  read: (signal: AbortSignal) => Promise<{ state: string; ended: boolean; value: T }>,
  options: FollowOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const started = now();
  const { noun, id, host } = work;
  try {
    return await pollUntil<T>(
      async (abortSignal) => {
        const { state, ended, value } = await read(abortSignal);
        options.reporter.status(state, `  ${noun} ${id}: ${state} · ${formatDuration(now() - started)}`);
        return ended ? { done: true, value } : { done: false };
      },
      { ...options, interruptMessage: `interrupted while waiting for ${noun} ${id}; it keeps running on ${host}. ${options.resumeHint}` },
      `${noun} ${id}`,
    );
  } catch (err) {
    if (err instanceof WaitTimeout) throw new WaitTimeout(`${err.message}; it keeps running on ${host}. ${options.resumeHint}`);
    // A lost connection or an AWS error ends the wait, not the work: keep the way back to it.
    if (!(err instanceof CliError)) throw new CliError(`${describeError(err)}; the ${noun} keeps running on ${host}. ${options.resumeHint}`);
    throw err;
  } finally {
    options.reporter.endStatus();
  }
}
