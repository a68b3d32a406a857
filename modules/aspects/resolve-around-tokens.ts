/**
 * cdktf's token resolution of a stack's JSON (`Tokenization.resolve`, same result, same errors), with the plain JSON
 * around the tokens walked here rather than by cdktf's resolver.
 *
 * cdktf's resolver builds a context for every key and every value (two closures, the path copied, its options
 * spread) and runs three regular expressions on every key and string, and provider bindings render every attribute a
 * resource could have, set or not: about a third of `npm run synth` went there (--cpu-prof), mostly on JSON that had
 * nothing to resolve. Here whatever is or may hold a token (a string with a token marker or a written-out number
 * token, a number in the range of encoded tokens, an object that is not a plain object or array, an object cdktf
 * treats as a map token or a construct, an array with list tokens) goes to cdktf's own resolve at the same path with
 * the same options; everything else is copied as cdktf would copy it (keys whose value resolves to undefined are
 * dropped, and so are such array items). Through plain objects and arrays cdktf's context carries nothing (no
 * escapes, no post-processor), so a token resolved from here resolves as it would from cdktf's walk.
 */
import { DefaultTokenResolver, StringConcat, Token, Tokenization, type IPostProcessor, type IResolvable, type IResolveContext, type ITokenResolver } from "cdktf";
import type { IConstruct } from "constructs";

interface ResolveOptions {
  readonly scope: IConstruct;
  readonly preparing: boolean;
  readonly resolver: ITokenResolver;
  /** The path from the value resolved first: cdktf's errors name it, and its depth limit counts it. */
  readonly prefix: string[];
  /** The context of the token whose value this is (a token may change its context: braces, escapes). */
  readonly previousContext?: IResolveContext;
}

// cdktf's resolve, which unlike Tokenization.resolve starts at a given path (private to cdktf, hence by path).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resolve: cdktfResolve } = require("cdktf/lib/tokens/private/resolve") as { resolve(value: unknown, options: ResolveOptions): unknown };

/** What cdktf's own resolution of a stack uses (cdktf/lib/_tokens.js). */
const RESOLVER = new DefaultTokenResolver(new StringConcat());

// cdktf's markers: "${TfToken[" (strings), "#{TfToken[" (lists), "&{TfToken[" (maps).
const TOKEN_MARKER = "{TfToken[";
const LIST_TOKEN_MARKER = "#{TfToken[";

// A number written in a string, which cdktf looks up as a number token (NUMBER_TOKEN_REGEX in
// cdktf/lib/tokens/private/encoding.js).
const NUMBER_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/g;

// cdktf encodes number tokens as doubles of magnitude 1e288 to 1e299; anything below this is a plain number to it.
const PLAIN_NUMBER_LIMIT = 1e200;

// cdktf refuses a value more than 200 path segments deep (a circular reference): past that, its resolve says so.
const MAX_PATH = 200;

/** The value resolved in `scope` as `Tokenization.resolve(value, { scope, preparing, resolver })` resolves it. */
export function resolveAroundTokens(scope: IConstruct, value: unknown, preparing = false): unknown {
  return new PlainJsonWalk(scope, preparing, []).resolve(value);
}

class PlainJsonWalk {
  constructor(
    private readonly scope: IConstruct,
    private readonly preparing: boolean,
    private readonly path: string[],
    private readonly previousContext?: IResolveContext,
  ) {}

  resolve(value: unknown): unknown {
    if (this.path.length > MAX_PATH) return this.byCdktf(value);
    switch (typeof value) {
      case "undefined":
      case "boolean":
        return value;
      case "string":
        return isPlainString(value) ? value : this.byCdktf(value);
      case "number":
        return isPlainNumber(value) ? value : this.byCdktf(value);
      case "object":
        if (value === null) return null;
        if (Array.isArray(value)) return this.resolveArray(value);
        return this.resolveObject(value);
      default:
        return this.byCdktf(value); // functions (refused), symbols, bigints
    }
  }

  private resolveArray(items: readonly unknown[]): unknown {
    if (items.some(isListTokenItem)) return this.byCdktf(items);
    const resolved: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = this.at(String(i), items[i]);
      if (item !== undefined) resolved.push(item);
    }
    return resolved;
  }

  /** An object cdktf resolves key by key when it is a plain object that is no token, no construct, no map token. */
  private resolveObject(object: object): unknown {
    const prototype = Object.getPrototypeOf(object) as unknown;
    const record = object as Record<string, unknown>;
    const keys = Object.keys(record);
    if (!keys.every(isPlainKey)) return this.byCdktf(object);
    if (Tokenization.isResolvable(object)) return object instanceof Date ? this.byCdktf(object) : this.resolveToken(object);
    if ((prototype !== Object.prototype && prototype !== null) || (record._children !== undefined && record._metadata !== undefined)) return this.byCdktf(object);
    const resolved: Record<string, unknown> = {};
    for (const key of keys) {
      const value = this.at(key, record[key]);
      if (value !== undefined) resolved[key] = value;
    }
    return resolved;
  }

  /** The value at `segment` below the current path. A throw abandons the walk, path and all. */
  private at(segment: string, value: unknown): unknown {
    this.path.push(segment);
    const resolved = this.resolve(value);
    this.path.pop();
    return resolved;
  }

  /**
   * A token object, as cdktf's resolve handles one: its resolver's resolveToken with a new context (cdktf's
   * makeContext: the fields of the context this value came from, a post-processor slot), whose `resolve` (what the
   * token's value is resolved with, after the token may have changed the context) walks from here again.
   */
  private resolveToken(token: IResolvable): unknown {
    const path = [...this.path];
    const previous = this.previousContext;
    const { scope, preparing } = this;
    let postProcessor: IPostProcessor | undefined;
    const context: IResolveContext = {
      scope,
      preparing,
      suppressBraces: previous?.suppressBraces,
      ignoreEscapes: previous?.ignoreEscapes,
      warnEscapes: previous?.warnEscapes,
      iteratorContext: previous?.iteratorContext,
      registerPostProcessor: (processor) => {
        postProcessor = processor;
      },
      resolve: (value: unknown) => new PlainJsonWalk(scope, preparing, [...path], context).resolve(value),
    };
    return RESOLVER.resolveToken(token, context, { postProcess: (value) => (postProcessor ? postProcessor.postProcess(value, context) : value) });
  }

  private byCdktf(value: unknown): unknown {
    return cdktfResolve(value, {
      scope: this.scope,
      preparing: this.preparing,
      resolver: RESOLVER,
      prefix: [...this.path],
      previousContext: this.previousContext,
    });
  }
}

function isPlainNumber(value: number): boolean {
  return !(Math.abs(value) >= PLAIN_NUMBER_LIMIT) && value !== Token.NUMBER_MAP_TOKEN_VALUE;
}

function isPlainString(text: string): boolean {
  if (text.includes(TOKEN_MARKER) || text === Token.STRING_MAP_TOKEN_VALUE || text === Token.ANY_MAP_TOKEN_VALUE) return false;
  if (!text.includes("e")) return true;
  NUMBER_IN_STRING.lastIndex = 0;
  for (let match = NUMBER_IN_STRING.exec(text); match; match = NUMBER_IN_STRING.exec(text)) {
    if (Math.abs(parseFloat(match[0])) >= PLAIN_NUMBER_LIMIT) return false;
  }
  return true;
}

/** An item that makes cdktf resolve the whole array as a list token. */
function isListTokenItem(item: unknown): boolean {
  return (typeof item === "string" && item.includes(LIST_TOKEN_MARKER)) || (typeof item === "number" && !isPlainNumber(item));
}

// Object keys repeat across a stack (attribute names): each is judged once.
const plainKeys = new Map<string, boolean>();

function isPlainKey(key: string): boolean {
  let plain = plainKeys.get(key);
  if (plain === undefined) plainKeys.set(key, (plain = isPlainString(key)));
  return plain;
}
