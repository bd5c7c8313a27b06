// The reproduction's code block (issue 14): which block is taken, its language, and where it comes from. Pure.
import { describe, expect, it } from "vitest";
import { chooseRepro, firstFencedBlock, reproInputs, reproTooLargeReply } from "../../src/commands/repro.js";
import { parseCommands } from "../../src/commands/index.js";

describe("firstFencedBlock", () => {
  it.each([
    ["backticks with a language", "text\n```sh\necho hi\n```\n", { code: "echo hi", lang: "sh" }],
    ["tildes, longer fence, attributes after the language", "~~~~python title=\"repro\"\nprint(1)\n~~~\n~~~~", { code: "print(1)\n~~~", lang: "python" }],
    ["pandoc-style braces", "```{.js}\nx()\n```", { code: "x()", lang: "js" }],
    ["no language", "```\nmake test\n```", { code: "make test", lang: "" }],
    ["a language that is not a plain word is dropped", "```<script>\nx\n```", { code: "x", lang: "" }],
    ["an unclosed fence runs to the end", "```sh\na\nb", { code: "a\nb", lang: "sh" }],
    ["indentation of the fence is removed from its lines", "  ```sh\n  a\n    b\n  ```", { code: "a\n  b", lang: "sh" }],
    ["CRLF line breaks", "```sh\r\na\r\nb\r\n```\r\n", { code: "a\nb", lang: "sh" }],
    ["the first of two blocks", "```sh\nfirst\n```\n```js\nsecond\n```", { code: "first", lang: "sh" }],
    ["NUL characters are dropped", "```sh\na\u0000b\n```", { code: "ab", lang: "sh" }],
  ])("%s", (_, body, expected) => {
    expect(firstFencedBlock(body)).toEqual(expected);
  });

  it.each([
    ["no block", "/locate v1..v2"],
    ["inline code only", "run `echo hi`"],
    ["a block in a block quote", "> ```sh\n> echo hi\n> ```"],
    ["an empty block", "```sh\n\n```"],
    ["an indented code block", "    echo hi"],
    ["a backtick line whose info has a backtick", "```a`b\nx\n```"],
    ["not a string", null],
  ])("none for %s", (_, body) => {
    expect(firstFencedBlock(body as string | null)).toBeNull();
  });

  it("is not confused by the command, which a block never contains as a command", () => {
    const body = "```sh\n/locate v1.0.0..v2.0.0\n```\n/locate v1.0.0..v1.1.0";
    expect(parseCommands(body)).toHaveLength(1);
    expect(firstFencedBlock(body)?.code).toBe("/locate v1.0.0..v2.0.0");
  });
});

describe("chooseRepro", () => {
  const comment = "```sh\nfrom the comment\n```";
  const issue = "```js\nfrom the issue\n```";
  it("takes the comment's block by default, the issue's with repro=issue, none with repro=none", () => {
    expect(chooseRepro(undefined, comment, issue)).toEqual({ ok: true, repro: { code: "from the comment", lang: "sh" } });
    expect(chooseRepro("comment", comment, issue)).toEqual({ ok: true, repro: { code: "from the comment", lang: "sh" } });
    expect(chooseRepro("issue", comment, issue)).toEqual({ ok: true, repro: { code: "from the issue", lang: "js" } });
    expect(chooseRepro("none", comment, issue)).toEqual({ ok: true, repro: null });
  });
  it("is no reproduction at all for a comment without a block, and an error for repro=issue without one", () => {
    expect(chooseRepro(undefined, "/locate a..b", null)).toEqual({ ok: true, repro: null });
    expect(chooseRepro("issue", comment, null)).toMatchObject({ ok: false });
  });
});

describe("inputs", () => {
  it("are repro and repro_lang, or nothing", () => {
    expect(reproInputs({ code: "x", lang: "" })).toEqual({ repro: "x", repro_lang: "" });
    expect(reproInputs(null)).toEqual({});
  });
  it("the reply past GitHub's limits says how big the block is and what to do", () => {
    const reply = reproTooLargeReply("GitHub accepts at most 65535.", { code: "a\nb", lang: "sh" });
    expect(reply).toMatch(/3 characters, 2 lines/);
    expect(reply).toContain("`repro=none`");
  });
});
