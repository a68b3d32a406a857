import { Token } from "cdktf";
import { skipTokenStackTraces } from "../../modules/token-stack-traces";

describe("skipTokenStackTraces", () => {
  const original = Error.prepareStackTrace;
  beforeEach(skipTokenStackTraces);
  afterEach(() => {
    Error.prepareStackTrace = original;
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
