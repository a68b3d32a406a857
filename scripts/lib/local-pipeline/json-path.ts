/**
 * The JSONPath of the States Language: reference paths (`$.a.b`, `$['a b']`, `$.a[0]`) for InputPath, ResultPath,
 * OutputPath and Choice variables, and, in Parameters/ResultSelector values, paths with `[*]` wildcards that
 * select several values (https://states-language.net/spec.html#path). `$$` addresses the context object.
 */
import type { Json } from "./errors";

export type Segment = { kind: "field"; name: string } | { kind: "index"; index: number } | { kind: "wildcard" };

export interface ParsedPath {
  readonly root: "$" | "$$";
  readonly segments: readonly Segment[];
}

/** Parses `$…` or `$$…`; throws a message naming the path when it is not one the States Language accepts. */
export function parsePath(path: string): ParsedPath {
  const root = path.startsWith("$$") ? "$$" : path.startsWith("$") ? "$" : undefined;
  if (!root) throw new Error(`not a path (must start with $): ${path}`);
  const segments: Segment[] = [];
  let at = root.length;
  while (at < path.length) {
    const rest = path.slice(at);
    let m: RegExpExecArray | null;
    if ((m = /^\.([^.[\]\s]+)/.exec(rest)) && m[1] !== "*") segments.push({ kind: "field", name: m[1] });
    else if ((m = /^\.\*/.exec(rest)) || (m = /^\[\*\]/.exec(rest))) segments.push({ kind: "wildcard" });
    else if ((m = /^\[(\d+)\]/.exec(rest))) segments.push({ kind: "index", index: Number(m[1]) });
    else if ((m = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest)) || (m = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest))) {
      segments.push({ kind: "field", name: m[1].replace(/\\(.)/g, "$1") });
    } else throw new Error(`unsupported JSONPath syntax at "${rest}" in ${path}`);
    at += m[0].length;
  }
  return { root, segments };
}

export function isDefinite(path: ParsedPath): boolean {
  return path.segments.every((s) => s.kind !== "wildcard");
}

const isObject = (value: unknown): value is Record<string, Json> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Every value the path selects (a definite path selects at most one). */
export function selectAll(value: Json, segments: readonly Segment[]): Json[] {
  let current: Json[] = [value];
  for (const segment of segments) {
    const next: Json[] = [];
    for (const item of current) {
      if (segment.kind === "field") {
        if (isObject(item) && Object.prototype.hasOwnProperty.call(item, segment.name)) next.push(item[segment.name]);
      } else if (segment.kind === "index") {
        if (Array.isArray(item) && segment.index < item.length) next.push(item[segment.index]);
      } else if (Array.isArray(item)) next.push(...item);
      else if (isObject(item)) next.push(...Object.values(item));
    }
    current = next;
  }
  return current;
}

export interface Roots {
  readonly input: Json;
  readonly context: Json;
}

/** A path's value: one value for a definite path (undefined when absent), an array for a wildcard path. */
export function evaluatePath(path: string, roots: Roots): Json | undefined {
  const parsed = parsePath(path);
  const base = parsed.root === "$$" ? roots.context : roots.input;
  const found = selectAll(base, parsed.segments);
  if (!isDefinite(parsed)) return found;
  return found.length === 0 ? undefined : found[0];
}

/** A copy of `target` with `value` placed at the reference path (ResultPath semantics: missing objects are created). */
export function placeAt(target: Json, path: string, value: Json): Json {
  const parsed = parsePath(path);
  if (parsed.root !== "$" || !isDefinite(parsed)) throw new Error(`ResultPath must be a reference path under $: ${path}`);
  if (parsed.segments.length === 0) return value;
  const root: Json = structuredClone(target);
  if (!isObject(root) && !Array.isArray(root)) throw new Error(`cannot place a result at ${path}: the state's input is not an object`);
  let at: Json = root;
  parsed.segments.forEach((segment, i) => {
    const last = i === parsed.segments.length - 1;
    if (segment.kind === "field") {
      if (!isObject(at)) throw new Error(`cannot place a result at ${path}: ${segment.name}'s parent is not an object`);
      if (last) at[segment.name] = value;
      else {
        if (!isObject(at[segment.name]) && !Array.isArray(at[segment.name])) at[segment.name] = {};
        at = at[segment.name];
      }
    } else if (segment.kind === "index") {
      if (!Array.isArray(at) || segment.index >= at.length) throw new Error(`cannot place a result at ${path}: no element ${segment.index}`);
      if (last) at[segment.index] = value;
      else at = at[segment.index];
    }
  });
  return root;
}
