/** rememberingLast: the rules asking in a row for the same text get one parse. */
import { rememberingLast } from "../../policy/remember-last";

describe("rememberingLast", () => {
  it("parses a text asked for twice in a row once, and a new text again", () => {
    const parse = jest.fn((text: string) => ({ length: text.length }));
    const remembered = rememberingLast(parse);
    const first = remembered("abc");
    expect(remembered("abc")).toBe(first);
    expect(remembered("abcd")).toEqual({ length: 4 });
    expect(remembered("abc")).toEqual({ length: 3 });
    expect(parse.mock.calls.map(([text]) => text)).toEqual(["abc", "abcd", "abc"]);
  });

  it("does not remember a parse that threw", () => {
    const parse = jest.fn((text: string) => {
      if (parse.mock.calls.length === 1) throw new Error(`bad ${text}`);
      return text;
    });
    const remembered = rememberingLast(parse);
    expect(() => remembered("x")).toThrow("bad x");
    expect(remembered("x")).toBe("x");
    expect(parse).toHaveBeenCalledTimes(2);
  });
});
