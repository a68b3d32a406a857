/** resolveAroundTokens gives what cdktf's Tokenization.resolve gives: the same JSON, the same errors. */
import { DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformElement, TerraformStack, Testing, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { loadEnvironment } from "../../environments";
import { resolveAroundTokens } from "../../modules/aspects/resolve-around-tokens";
import { EmrPlatformStack } from "../../modules/platform-stack";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

const byCdktf = (scope: IConstruct, value: unknown, preparing = false): unknown =>
  Tokenization.resolve(value, { scope, preparing, resolver: RESOLVER });

/** The error each throws, or its result: both must match. */
function outcome(resolve: () => unknown): unknown {
  try {
    return { result: resolve() };
  } catch (error) {
    return { error: String((error as Error).message) };
  }
}

describe("resolveAroundTokens", () => {
  const stack = new TerraformStack(Testing.app(), "t");
  const bucket = new S3Bucket(stack, "bucket", { bucketPrefix: "data-" });
  const lazyNumber = Token.asNumber(Lazy.numberValue({ produce: () => 42 }));

  const cases: Record<string, unknown> = {
    "plain JSON with undefined keys and items": { a: 1, b: undefined, c: [1, undefined, "x", null, true], d: { e: undefined } },
    "a reference, a function and an escape": { arn: bucket.arn, policy: Fn.jsonencode({ Resource: `${bucket.arn}/*` }), raw: Fn.rawString("${not.a.ref}") },
    "a plain string that reads as a number": ["1e5", "-e1", "ice-e9", "x1.5e+10y", "${aws_s3_bucket.b.arn}"],
    "a number token, alone and written in a string": { n: lazyNumber, s: `count=${lazyNumber}`, list: [lazyNumber] },
    "a list token": { ids: Token.asList(Lazy.listValue({ produce: () => ["a", "b"] })) },
    "a map token": { tags: Token.asStringMap(Lazy.anyValue({ produce: () => ({ k: "v" }) })) },
    "a lazy object inside plain JSON": [{ nested: Lazy.anyValue({ produce: () => ({ deep: [bucket.id, undefined] }) }) }],
    "a key that is a token": { [bucket.bucket]: "value" },
    "a token that changes its context before its value is resolved": {
      bare: Lazy.anyValue({
        produce: (context) => {
          context.suppressBraces = true; // as cdktf's expressions do: the references in its value lose their braces
          return { arn: bucket.arn, list: [{ id: bucket.id }] };
        },
      }),
      nested: Lazy.anyValue({
        produce: (context) => {
          context.suppressBraces = true; // and a token in its value gets a context that starts from this one
          return Lazy.anyValue({ produce: () => ({ arn: bucket.arn }) });
        },
      }),
    },
    "a Date and a class instance": { when: new Date(0), box: new (class Box { readonly v = 1; })() },
    "empty containers": { a: {}, b: [], c: "" },
  };

  it.each(Object.keys(cases))("resolves %s as cdktf does, preparing or not", (name) => {
    for (const preparing of [false, true]) {
      expect(resolveAroundTokens(stack, cases[name], preparing)).toStrictEqual(byCdktf(stack, cases[name], preparing));
    }
  });

  it("drops what cdktf drops: keys and items that resolve to undefined", () => {
    expect(resolveAroundTokens(stack, { a: undefined, b: [undefined, 1], c: Lazy.anyValue({ produce: () => undefined }) })).toStrictEqual({ b: [1] });
  });

  it("fails as cdktf fails, with the same message", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 205; i++) deep = { next: deep };
    const refused = {
      "too deep": deep,
      "a function": { f: () => 1 },
      "a construct": { c: bucket },
      "a list token as a scalar": { s: `x${Token.asList(Lazy.listValue({ produce: () => ["a"] }))[0]}` },
    };
    for (const value of Object.values(refused)) {
      const expected = outcome(() => byCdktf(stack, value));
      expect(expected).toHaveProperty("error");
      expect(outcome(() => resolveAroundTokens(stack, value))).toEqual(expected);
    }
  });

  it("resolves every element of a platform stack as cdktf does", () => {
    const platform = new EmrPlatformStack(Testing.app(), "emr-dev", loadEnvironment("dev"));
    const elements = platform.node.findAll().filter(TerraformElement.isTerraformElement);
    expect(elements.length).toBeGreaterThan(100);
    for (const element of elements) {
      expect(resolveAroundTokens(platform, element.toTerraform(), true)).toStrictEqual(byCdktf(platform, element.toTerraform(), true));
    }
  });
});
