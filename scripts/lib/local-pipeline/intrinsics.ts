/**
 * Intrinsic functions of the States Language (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html):
 * a small parser for `States.Fn(arg, …)` where an argument is a string literal ('…', with `\'`, `\{`, `\}`, `\\`
 * escaped), a number, true/false/null, a path ($… or $$…) or another intrinsic. Misuse raises States.Runtime,
 * as the service does.
 */
import { createHash, randomUUID } from "node:crypto";
import { type Json, StatesError } from "./errors";
import { evaluatePath, type Roots } from "./json-path";

type Node =
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "string"; raw: string }
  | { kind: "literal"; value: Json }
  | { kind: "path"; path: string };

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  parse(): Node {
    const node = this.expression();
    this.space();
    if (this.at !== this.text.length) this.fail("unexpected text");
    return node;
  }

  private fail(what: string): never {
    throw new Error(`${what} at column ${this.at + 1} of ${this.text}`);
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? "")) this.at++;
  }

  private expression(): Node {
    this.space();
    const rest = this.text.slice(this.at);
    if (rest.startsWith("'")) return this.string();
    if (rest.startsWith("$")) {
      const m = /^\$\$?(?:\.[^\s,()[\]'.]+|\[(?:\d+|\*|'(?:[^'\\]|\\.)*')\])*/.exec(rest)!;
      this.at += m[0].length;
      return { kind: "path", path: m[0] };
    }
    let m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(rest);
    if (m) {
      this.at += m[0].length;
      return { kind: "literal", value: Number(m[0]) };
    }
    m = /^(true|false|null)\b/.exec(rest);
    if (m) {
      this.at += m[0].length;
      return { kind: "literal", value: JSON.parse(m[1]) as Json };
    }
    m = /^(States\.[A-Za-z0-9]+)\s*\(/.exec(rest);
    if (!m) this.fail("expected a string, number, path or States.* function");
    this.at += m[0].length;
    const args: Node[] = [];
    this.space();
    if (this.text[this.at] === ")") this.at++;
    else {
      for (;;) {
        args.push(this.expression());
        this.space();
        const c = this.text[this.at++];
        if (c === ")") break;
        if (c !== ",") this.fail("expected , or )");
      }
    }
    return { kind: "call", name: m[1], args };
  }

  private string(): Node {
    let raw = "";
    this.at++; // opening quote
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined) this.fail("unterminated string");
      if (c === "'") break;
      if (c === "\\") {
        const next = this.text[this.at++];
        if (next === undefined) this.fail("unterminated escape");
        raw += `\\${next}`;
      } else raw += c;
    }
    return { kind: "string", raw };
  }
}

const unescape = (raw: string): string => raw.replace(/\\(.)/g, "$1");

export function isIntrinsic(text: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\s*\(/.test(text);
}

const fail = (what: string): never => {
  throw new StatesError("States.Runtime", what);
};

function format(raw: string, args: Json[], name: string): string {
  let out = "";
  let next = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\\") out += raw[++i];
    else if (raw[i] === "{" && raw[i + 1] === "}") {
      if (next >= args.length) fail(`${name}: more {} than arguments`);
      const value = args[next++];
      if (typeof value === "object" && value !== null) fail(`${name}: argument ${next} is not a string, number, boolean or null`);
      out += value === null ? "null" : String(value);
      i++;
    } else if (raw[i] === "{" || raw[i] === "}") fail(`${name}: unescaped ${raw[i]} in the template`);
    else out += raw[i];
  }
  if (next !== args.length) fail(`${name}: ${args.length} arguments for ${next} {}`);
  return out;
}

const array = (value: Json, fn: string): Json[] => (Array.isArray(value) ? value : fail(`${fn}: expected an array, got ${JSON.stringify(value)}`));
const text = (value: Json, fn: string): string => (typeof value === "string" ? value : fail(`${fn}: expected a string, got ${JSON.stringify(value)}`));
const integer = (value: Json, fn: string): number => (Number.isInteger(value) ? (value as number) : fail(`${fn}: expected an integer, got ${JSON.stringify(value)}`));

type Fn = (args: Json[], call: Extract<Node, { kind: "call" }>) => Json;

const FUNCTIONS: Record<string, Fn> = {
  "States.Format": (args, call) => {
    const template = call.args[0];
    if (template?.kind !== "string") fail("States.Format: the first argument must be a string literal");
    return format((template as { raw: string }).raw, args.slice(1), "States.Format");
  },
  "States.StringToJson": ([value]) => {
    try {
      return JSON.parse(text(value, "States.StringToJson")) as Json;
    } catch {
      return fail(`States.StringToJson: not JSON: ${String(value).slice(0, 80)}`);
    }
  },
  "States.JsonToString": ([value]) => JSON.stringify(value),
  "States.Array": (args) => args,
  "States.ArrayGetItem": ([list, index]) => {
    const items = array(list, "States.ArrayGetItem");
    const i = integer(index, "States.ArrayGetItem");
    return i >= 0 && i < items.length ? items[i] : fail(`States.ArrayGetItem: index ${i} out of bounds (length ${items.length})`);
  },
  "States.ArrayLength": ([list]) => array(list, "States.ArrayLength").length,
  "States.ArrayContains": ([list, value]) => array(list, "States.ArrayContains").some((item) => JSON.stringify(item) === JSON.stringify(value)),
  "States.ArrayUnique": ([list]) => [...new Map(array(list, "States.ArrayUnique").map((v) => [JSON.stringify(v), v])).values()],
  "States.ArrayPartition": ([list, size]) => {
    const items = array(list, "States.ArrayPartition");
    const n = integer(size, "States.ArrayPartition");
    if (n < 1) fail("States.ArrayPartition: chunk size must be positive");
    const out: Json[] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    return out;
  },
  "States.ArrayRange": ([first, last, step]) => {
    const [a, b, s] = [integer(first, "States.ArrayRange"), integer(last, "States.ArrayRange"), integer(step, "States.ArrayRange")];
    if (s === 0) fail("States.ArrayRange: step 0");
    const out: number[] = [];
    for (let v = a; s > 0 ? v <= b : v >= b; v += s) out.push(v);
    return out;
  },
  // The splitter is a set of characters (the docs' example splits "This.is+a,test=string" on ".+,="); empty parts
  // are dropped, as Java's StringTokenizer does.
  "States.StringSplit": ([value, splitter]) => {
    const chars = new Set(text(splitter, "States.StringSplit"));
    const parts: string[] = [];
    let current = "";
    for (const c of text(value, "States.StringSplit")) {
      if (chars.has(c)) {
        if (current) parts.push(current);
        current = "";
      } else current += c;
    }
    if (current) parts.push(current);
    return parts;
  },
  "States.MathAdd": ([a, b]) => integer(a, "States.MathAdd") + integer(b, "States.MathAdd"),
  "States.MathRandom": ([start, end]) => {
    const [a, b] = [integer(start, "States.MathRandom"), integer(end, "States.MathRandom")];
    return a + Math.floor(Math.random() * (b - a));
  },
  "States.Base64Encode": ([value]) => Buffer.from(text(value, "States.Base64Encode"), "utf8").toString("base64"),
  "States.Base64Decode": ([value]) => Buffer.from(text(value, "States.Base64Decode"), "base64").toString("utf8"),
  "States.Hash": ([value, algorithm]) => {
    const names: Record<string, string> = { MD5: "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };
    const algo = names[text(algorithm, "States.Hash")] ?? fail(`States.Hash: unknown algorithm ${String(algorithm)}`);
    return createHash(algo).update(typeof value === "string" ? value : JSON.stringify(value)).digest("hex");
  },
  "States.JsonMerge": ([a, b, deep]) => {
    if (deep !== false) fail("States.JsonMerge: only shallow merges (false) are supported by the service");
    return { ...(a as Record<string, Json>), ...(b as Record<string, Json>) };
  },
  "States.UUID": () => randomUUID(),
};

function evaluate(node: Node, roots: Roots): Json {
  switch (node.kind) {
    case "string":
      return unescape(node.raw);
    case "literal":
      return node.value;
    case "path": {
      const value = evaluatePath(node.path, roots);
      return value === undefined ? fail(`the path ${node.path} selects nothing`) : value;
    }
    case "call": {
      const fn = FUNCTIONS[node.name];
      if (!fn) return fail(`unknown intrinsic function ${node.name}`);
      return fn(node.args.map((arg) => evaluate(arg, roots)), node);
    }
  }
}

/** Evaluates an intrinsic-function expression against the state's input and the context object. */
export function evaluateIntrinsic(expression: string, roots: Roots): Json {
  let node: Node;
  try {
    node = new Parser(expression).parse();
  } catch (err) {
    throw new StatesError("States.Runtime", `cannot parse intrinsic: ${(err as Error).message}`);
  }
  return evaluate(node, roots);
}
