/**
 * s3-dist-cp on the local buckets: copies every file under --src whose full s3:// path matches --srcPattern (a
 * Java regex over the whole path; absent: every file), to the same relative path under --dest
 * (https://docs.aws.amazon.com/emr/latest/ReleaseGuide/UsingEMR_s3distcp.html, options --src, --dest, --srcPattern).
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { LocalBuckets } from "./buckets";

export interface DistCpResult {
  readonly exitCode: number;
  readonly stderr: string;
  readonly copied: number;
  readonly bytes: number;
}

/** `--name=value` or `--name value` options of the step's Args (after `s3-dist-cp`). */
export function parseOptions(args: readonly string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(args[i]);
    if (!m) throw new Error(`unexpected argument ${args[i]}`);
    options[m[1]] = m[2] ?? args[++i] ?? "";
  }
  return options;
}

const SUPPORTED = new Set(["src", "dest", "srcPattern"]);

export function s3DistCp(args: readonly string[], buckets: LocalBuckets): DistCpResult {
  const fail = (message: string): DistCpResult => ({ exitCode: 1, stderr: `s3-dist-cp: ${message}`, copied: 0, bytes: 0 });
  let options: Record<string, string>;
  try {
    options = parseOptions(args);
  } catch (err) {
    return fail((err as Error).message);
  }
  const unsupported = Object.keys(options).filter((o) => !SUPPORTED.has(o));
  if (unsupported.length) return fail(`option ${unsupported.map((o) => `--${o}`).join(", ")} is not supported by the local runner (only --src, --dest, --srcPattern)`);
  if (!options.src || !options.dest) return fail("--src and --dest are required");
  if (!LocalBuckets.isUri(options.src) || !LocalBuckets.isUri(options.dest)) return fail("--src and --dest must be s3:// URIs");
  const src = buckets.path(options.src.endsWith("/") ? options.src : `${options.src}/`);
  if (!existsSync(src) || !statSync(src).isDirectory()) return fail(`source ${options.src} does not exist`);
  // Java's Matcher.matches(): the whole path must match.
  const pattern = options.srcPattern === undefined ? undefined : new RegExp(`^(?:${options.srcPattern})$`);
  const dest = buckets.path(options.dest.endsWith("/") ? options.dest : `${options.dest}/`);
  let copied = 0;
  let bytes = 0;
  for (const [file, state] of buckets.list(src)) {
    if (pattern && !pattern.test(buckets.uri(file))) continue;
    const target = path.join(dest, path.relative(src, file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target);
    copied++;
    bytes += state.size;
  }
  return { exitCode: 0, stderr: "", copied, bytes };
}
