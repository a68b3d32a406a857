/**
 * Everything the operator reads goes through a Reporter: numbered phase headers with durations, one updating status
 * line on a terminal (plain lines, printed only when the status changes, in CI or when piped), warnings and errors.
 */

/** Where text goes: process.stdout/stderr in the CLI, a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}h ${String(minutes).padStart(2, "0")}m` : `${minutes}m ${String(seconds).padStart(2, "0")}s`;
}

/** Bytes in binary units, as Athena's console shows data scanned: "0 B", "512 B", "1.5 KiB", "10.0 GiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export interface Phase {
  done(detail?: string): void;
  fail(): void;
}

export interface ReporterOptions {
  /** Rewrite one status line in place (a terminal); otherwise print a line per status change. */
  interactive: boolean;
  now?: () => number;
}

export class Reporter {
  private readonly interactive: boolean;
  private readonly now: () => number;
  private statusKey: string | undefined;
  private statusShown = false;

  constructor(
    private readonly stdout: TextSink,
    private readonly stderr: TextSink,
    options: ReporterOptions,
  ) {
    this.interactive = options.interactive;
    this.now = options.now ?? Date.now;
  }

  line(text = ""): void {
    this.clearStatus();
    this.stdout.write(`${text}\n`);
  }

  warn(text: string): void {
    this.clearStatus();
    this.stderr.write(`warning: ${text}\n`);
  }

  error(text: string): void {
    this.clearStatus();
    this.stderr.write(`error: ${text}\n`);
  }

  /** "[3/8] validate …" now, "[3/8] validate … done in 1.2s" when it ends. */
  phase(index: number, total: number, name: string): Phase {
    const label = `[${index}/${total}] ${name} …`;
    const started = this.now();
    this.line(label);
    let ended = false;
    return {
      done: (detail?: string) => {
        if (ended) return;
        ended = true;
        this.line(`${label} done in ${formatDuration(this.now() - started)}${detail ? ` (${detail})` : ""}`);
      },
      fail: () => {
        if (ended) return;
        ended = true;
        this.line(`${label} failed after ${formatDuration(this.now() - started)}`);
      },
    };
  }

  /** Runs `work` as a numbered phase: header, then "done in" or "failed after". */
  async inPhase<T>(index: number, total: number, name: string, work: () => Promise<T>, detail?: (value: T) => string | undefined): Promise<T> {
    const phase = this.phase(index, total, name);
    try {
      const value = await work();
      phase.done(detail?.(value));
      return value;
    } catch (err) {
      phase.fail();
      throw err;
    }
  }

  /**
   * A status that replaces the previous one. `key` is what changed (a state name): non-interactive output prints a
   * line only when it differs, so CI logs show transitions instead of a line per poll.
   */
  status(key: string, text: string): void {
    if (this.interactive) {
      this.stdout.write(`\r\x1b[2K${text}`);
      this.statusShown = true;
    } else if (key !== this.statusKey) {
      this.stdout.write(`${text}\n`);
    }
    this.statusKey = key;
  }

  /** Ends an updating status line so the next output starts on a fresh line. */
  endStatus(): void {
    this.clearStatus();
    this.statusKey = undefined;
  }

  private clearStatus(): void {
    if (this.statusShown) {
      this.stdout.write("\n");
      this.statusShown = false;
    }
  }
}

/** Fixed-width columns for small tables (steps, instance groups). */
export function table(rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ").trimEnd());
}
