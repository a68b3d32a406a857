/**
 * Whether a value is already resolved JSON: a value that cdktf's `Tokenization.resolve` would copy unchanged. cdktf's
 * `toTerraform()` resolves the merged stack once more after merging its elements' resolved fragments, for what was
 * merged in unresolved (raw overrides, metadata); over the whole stack that second pass was about an eighth of
 * `npm run synth` (--cpu-prof), spent confirming that nothing is left to resolve. This answers the same question in a
 * plain walk, and answers "no" for anything that walk cannot vouch for, so the caller then resolves as cdktf does.
 */
import { Token } from "cdktf";

// cdktf's token markers in strings ("${TfToken[", "#{TfToken[" for lists, "&{TfToken[" for maps): any of them,
// anywhere, and the string (or object key) goes through the resolver.
const TOKEN_MARKER = "{TfToken[";

// cdktf encodes number tokens as doubles of magnitude ~1.8e289 (cdktf/lib/tokens/private/encoding.js); every number
// below this is a plain number to the resolver, except the map-token sentinel it rejects.
const PLAIN_NUMBER_LIMIT = 1e200;

// The resolver refuses deeper values as a circular reference (more than 200 path segments): leave those to it.
const MAX_DEPTH = 150;

/** True when `resolve(value)` would return a deep copy equal to `value` (see the file comment). */
export function isResolvedJson(value: unknown, depth = 0): boolean {
  const r = isResolvedJson0(value, depth);
  if (!r && (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype || Object.values(value).every((v) => isResolvedJson0(v, depth + 1)))) console.error("DBG-no", depth, typeof value, typeof value === "object" ? Object.keys(value as object).slice(0, 5) : String(value).slice(0, 80));
  return r;
}
function isResolvedJson0(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case "string":
      return plainString(value);
    case "number":
      return Math.abs(value) < PLAIN_NUMBER_LIMIT && value !== Token.NUMBER_MAP_TOKEN_VALUE;
    case "boolean":
      return true;
    case "object":
      break;
    default:
      return false; // undefined (dropped by the resolver), functions (refused), symbols, bigints
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isResolvedJson(item, depth + 1)) return false; // holes read as undefined
    return true;
  }
  // A class instance may be a token (IResolvable), a construct or a Date: the resolver treats each differently.
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!plainString(key) || !isResolvedJson(record[key], depth + 1)) return false;
  return true;
}

function plainString(text: string): boolean {
  return !text.includes(TOKEN_MARKER) && text !== Token.STRING_MAP_TOKEN_VALUE && text !== Token.ANY_MAP_TOKEN_VALUE;
}
