/**
 * A directory standing in for S3: `s3://<bucket>/<key>` is `<root>/<bucket>/<key>`. The runner rewrites every
 * s3:// argument of a step to that path before the job sees it, and reports what each step wrote by comparing
 * listings before and after.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseS3Uri } from "../step-logs";

const S3_URI = /^s3:\/\/([^/]+)\/?(.*)$/;

export interface FileState {
  readonly size: number;
  readonly mtimeMs: number;
}
export type Listing = Map<string, FileState>;

export interface Written {
  /** s3:// URIs of new or changed files. */
  readonly files: string[];
  readonly bytes: number;
}

export class LocalBuckets {
  constructor(readonly root: string) {}

  static isUri(value: string): boolean {
    return S3_URI.test(value);
  }

  /** The local path of an s3:// URI; a trailing / stays (jobs tell a prefix from an object by it). */
  path(uri: string): string {
    const { bucket, key } = parseS3Uri(uri);
    const local = path.join(this.root, bucket, key);
    return (key.endsWith("/") || key === "") && !local.endsWith("/") ? `${local}/` : local;
  }

  /** The s3:// URI of a local path under the root. */
  uri(local: string): string {
    const rel = path.relative(this.root, local).split(path.sep);
    return `s3://${rel[0]}/${rel.slice(1).join("/")}`;
  }

  /** Every argument that is an s3:// URI (alone or after `--option=`) rewritten to its local path. */
  localArgs(args: readonly string[]): string[] {
    return args.map((arg) => {
      const eq = /^(--[^=]+=)(s3:\/\/.*)$/.exec(arg);
      if (eq) return eq[1] + this.path(eq[2]);
      return LocalBuckets.isUri(arg) ? this.path(arg) : arg;
    });
  }

  ensureBucket(bucket: string): void {
    mkdirSync(path.join(this.root, bucket), { recursive: true });
  }

  /** Files under the root (the buckets), skipping the runner's own `_local` directory and Spark's .crc files. */
  list(under = this.root): Listing {
    const out: Listing = new Map();
    if (!existsSync(under)) return out;
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (dir === this.root && entry.name === "_local") continue;
          walk(full);
        } else if (!entry.name.endsWith(".crc")) {
          const st = statSync(full);
          out.set(full, { size: st.size, mtimeMs: st.mtimeMs });
        }
      }
    };
    walk(under);
    return out;
  }

  written(before: Listing, after: Listing): Written {
    const files: string[] = [];
    let bytes = 0;
    for (const [file, state] of after) {
      const old = before.get(file);
      if (!old || old.size !== state.size || old.mtimeMs !== state.mtimeMs) {
        files.push(this.uri(file));
        bytes += state.size;
      }
    }
    return { files: files.sort(), bytes };
  }
}

/**
 * Groups written files for a short report: the directory of each file with the `part-…` files folded, so a
 * 20-partition write is one line (`s3://data/processed/financial/indicators/date=…/  8 files`).
 */
export function summarizeWritten(written: Written): string[] {
  const byDir = new Map<string, number>();
  for (const file of written.files) {
    const dir = file.slice(0, file.lastIndexOf("/") + 1);
    const name = file.slice(dir.length);
    const key = /^part-/.test(name) ? dir : file;
    byDir.set(key, (byDir.get(key) ?? 0) + 1);
  }
  return [...byDir.entries()].map(([key, count]) => (key.endsWith("/") ? `${key} (${count} part files)` : key));
}
