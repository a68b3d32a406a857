import { Lazy, Token } from "cdktf";
import { skipTokenStackTraces } from "../../modules/token-stack-traces";

/** The module cdktf's tokens take their creation stack from. */
const cdktfStackTrace = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace: () => string[] }; // eslint-disable-line @typescript-eslint/no-require-imports

/** The creation stack cdktf records for a new token. */
const creationStack = (): string[] => (Lazy.anyValue({ produce: () => 1 }) as unknown as { creationStack: string[] }).creationStack;

describe("cdktf's token creation stacks", () => {
  it("hold every frame when nothing skips them", () => {
    expect(creationStack().length).toBeGreaterThan(3);
  });
});

describe("skipTokenStackTraces", () => {
  const original = Error.prepareStackTrace;
  const originalCapture = cdktfStackTrace.captureStackTrace;
  beforeEach(skipTokenStackTraces);
  afterEach(() => {
    Error.prepareStackTrace = original;
    cdktfStackTrace.captureStackTrace = originalCapture;
  });

  it("makes cdktf record no creation stack for a token, without collecting the frames first", () => {
    const capture = jest.spyOn(Error, "captureStackTrace");
    try {
      expect(creationStack()).toEqual([]);
      expect(capture).not.toHaveBeenCalled();
    } finally {
      capture.mockRestore();
    }
  });

  it("leaves the stack trace cdktf captures on a plain object empty", () => {
    const holder = { stack: "unset" };
    Error.captureStackTrace(holder);
    expect(holder.stack).toBe("");
  });

  it("keeps an Error's stack as Node formats it: its message, then one `at` line per frame", () => {
    const stack = new TypeError("x is not a function").stack ?? "";
    expect(stack.split("\n")[0]).toBe("TypeError: x is not a function");
    expect(stack.split("\n")[1]).toMatch(/^ {4}at .*token-stack-traces\.test\.ts:\d+:\d+\)?$/);
  });

  it("still lets cdktf create and resolve tokens", () => {
    expect(Token.isUnresolved(Token.asString({ resolve: () => "v" }))).toBe(true);
  });
});
