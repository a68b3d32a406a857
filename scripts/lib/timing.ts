/**
 * How long the CLI waits between polls and for logs. Its own file so scripts/emr.ts can start without loading the
 * command context (the environments' schemas), which only a running command needs.
 */
export interface Timing {
  /** First delay between polls; grows by 1.5x up to pollMaxMs. */
  pollInitialMs: number;
  pollMaxMs: number;
  /** How long to wait for EMR to copy a failed step's stderr to S3. */
  logWaitMs: number;
  /** How long one AWS request may go without an answer before the attempt fails. */
  requestTimeoutMs?: number;
}

export const DEFAULT_TIMING: Timing = { pollInitialMs: 5_000, pollMaxMs: 30_000, logWaitMs: 120_000 };
