// Which lines of a comment body are commands: code, quotes and HTML comments hide them; bounds, order, CRLF and edits.

import { describe, expect, it } from "vitest";
import { MAX_BODY_CHARS, newCommandLines, parseCommands } from "../../src/commands/index.js";
import type { ParsedLine } from "../../src/commands/index.js";

function lines(body: string): string[] {
  return parseCommands(body).map((parsed) => parsed.line);
}

function kinds(parsed: ParsedLine[]): string[] {
  return parsed.map((line) => (line.ok ? line.command.kind : "error"));
}

describe("command lines that run", () => {
  const cases: Array<[string, string, string[]]> = [
    ["a single command", "/locate status", ["/locate status"]],
    ["a command after prose", "Thanks!\n\n/locate v1..v2\n\nLet's see.", ["/locate v1..v2"]],
    ["a command indented up to 3 spaces", "   /locate status", ["/locate status"]],
    ["a command at the end of the line", "/locate", ["/locate"]],
    ["a command after a closed ``` fence", "```\ncode\n```\n/locate status", ["/locate status"]],
    ["a command after a closed ~~~ fence", "~~~~ sh\n~~~\n/locate x\n~~~~\n/locate status", ["/locate status"]],
    ["a command after a one-line HTML comment", "<!-- note -->\n/locate status", ["/locate status"]],
    ["a command after a closed multi-line comment", "<!--\nhidden\n-->\n/locate status", ["/locate status"]],
    ["a command after a quote", "> quoted text\n\n/locate status", ["/locate status"]],
    ["a command after inline code with <!--", "use `<!--` to hide\n/locate status", ["/locate status"]],
    ["a command after an unclosed inline <!-- in an earlier paragraph", "text <!-- not closed\n\n/locate status", ["/locate status"]],
    ["a command after a <pre> block", "<pre>\n/locate x\n</pre>\n/locate status", ["/locate status"]],
    ["a command after a list item's fence ends with the item", "- ```\n  /locate x\n/locate status", ["/locate status"]],
    ["a command after a backtick line that is inline code, not a fence", "```not `a` fence```\n/locate status", ["/locate status"]],
    ["a command after a fence closed by a longer fence", "```\n/locate x\n`````\n/locate status", ["/locate status"]],
    ["code spans on an earlier line", "`a` and `b`\n/locate status", ["/locate status"]],
    ["only the command that opens a comment, not the hidden one after it", "/locate status <!--\n/locate cancel\n-->", ["/locate status <!--"]],
  ];
  it.each(cases)("%s", (_name, body, expected) => {
    expect(lines(body)).toEqual(expected);
  });
});

describe("lines that are not commands", () => {
  const cases: Array<[string, string]> = [
    ["inside a ``` fence", "```\n/locate v1..v2\n```"],
    ["inside a ``` fence with an info string", "```sh\n/locate v1..v2\n```"],
    ["inside a ~~~ fence", "~~~\n/locate v1..v2\n~~~"],
    ["inside a longer fence not closed by a shorter one", "````\n```\n/locate v1..v2\n````"],
    ["inside a ~~~ fence not closed by backticks", "~~~\n```\n/locate v1..v2\n~~~"],
    ["inside an indented fence", "   ```\n/locate v1..v2\n   ```"],
    ["inside an unclosed fence, to the end", "text\n```\n\n/locate v1..v2\n\nmore"],
    ["inside a fence in a list item", "1. ```\n   /locate v1..v2\n   ```"],
    ["inline code at the start of the line", "`/locate v1..v2`"],
    ["a command in inline code after text", "Try `/locate v1..v2` here"],
    ["a block quote", "> /locate v1..v2"],
    ["an indented block quote", "  > /locate v1..v2"],
    ["a nested block quote", "> > /locate v1..v2"],
    ["a quote without a space", ">/locate v1..v2"],
    ["a one-line HTML comment", "<!-- /locate v1..v2 -->"],
    ["a multi-line HTML comment", "<!--\n/locate v1..v2\n-->"],
    ["a multi-line HTML comment with blank lines", "<!-- start\n\n/locate v1..v2\n\nend -->"],
    ["an unclosed HTML comment block", "<!--\n/locate v1..v2"],
    ["an inline comment spanning lines in a paragraph", "text <!-- hide\n/locate v1..v2\n-->"],
    ["a line indented 4 spaces", "    /locate v1..v2"],
    ["a line indented with a tab", "\t/locate v1..v2"],
    ["a longer word", "/locatefoo v1..v2"],
    ["/locatex", "/locatex status"],
    ["another case", "/Locate status"],
    ["text before the command", "please /locate v1..v2"],
    ["a list item", "- /locate v1..v2"],
    ["a <pre> block", "<pre>\n/locate v1..v2\n</pre>"],
    ["a <script> block", "<script>\n/locate v1..v2\n</script>"],
    ["a command after the bot's own marker", "<!-- locate:hunt:12 -->/locate v1..v2"],
  ];
  it.each(cases)("%s", (_name, body) => {
    expect(parseCommands(body)).toEqual([]);
  });
});

describe("several commands", () => {
  it("parses them in order", () => {
    const body = "/locate v1..v2\nsome text\n/locate auto\n```\n/locate cancel\n```\n/locate good v1.5 ok";
    expect(kinds(parseCommands(body))).toEqual(["start", "auto", "verdict"]);
  });

  it("keeps errors in place among commands", () => {
    expect(kinds(parseCommands("/locate status\n/locate nope\n/locate help"))).toEqual(["status", "error", "help"]);
  });

  it("runs at most 10 and reports the rest in one error", () => {
    const body = Array.from({ length: 13 }, (_, index) => `/locate good v${index}`).join("\n");
    const parsed = parseCommands(body);
    expect(parsed).toHaveLength(11);
    expect(parsed.slice(0, 10).every((line) => line.ok)).toBe(true);
    const last = parsed[10];
    expect(last?.ok).toBe(false);
    expect(last && !last.ok && last.error).toContain("the other 3 were ignored");
    expect(last?.line).toBe("/locate good v10");
  });

  it("runs exactly 10 without an error", () => {
    const body = Array.from({ length: 10 }, () => "/locate status").join("\n");
    expect(kinds(parseCommands(body))).toEqual(Array.from({ length: 10 }, () => "status"));
  });
});

describe("line endings and bounds", () => {
  it("accepts CRLF and lone CR line endings", () => {
    expect(parseCommands("hello\r\n/locate status\r\n/locate v1..v2 auto\r\n")).toEqual([
      { ok: true, line: "/locate status", command: { kind: "status" } },
      { ok: true, line: "/locate v1..v2 auto", command: { kind: "start", good: "v1", bad: "v2", options: { auto: true, inputs: {} } } },
    ]);
    expect(kinds(parseCommands("/locate status\r/locate help"))).toEqual(["status", "help"]);
  });

  it("closes fences and comments on CRLF lines", () => {
    expect(lines("```\r\n/locate x\r\n```\r\n<!--\r\n/locate y\r\n-->\r\n/locate status\r\n")).toEqual(["/locate status"]);
  });

  it("ignores a leading byte order mark", () => {
    expect(lines("\uFEFF/locate status")).toEqual(["/locate status"]);
  });

  it("reads only the first 65,536 characters", () => {
    const padding = `${"x".repeat(MAX_BODY_CHARS - 20)}\n`;
    expect(lines(`${padding}/locate status\n${"y".repeat(100)}\n/locate cancel`)).toEqual(["/locate status"]);
  });

  it("drops a command cut in two by the bound rather than running half of it", () => {
    const padding = `${"x".repeat(MAX_BODY_CHARS - 10)}\n`;
    expect(parseCommands(`${padding}/locate v1..v2.0.1`)).toEqual([]);
  });

  it("keeps a command that ends exactly at the bound", () => {
    const command = "/locate status";
    const padding = `${"x".repeat(MAX_BODY_CHARS - command.length - 1)}\n`;
    expect(lines(`${padding}${command}\nmore`)).toEqual([command]);
  });

  it("returns nothing for a body that is not a string", () => {
    expect(parseCommands(undefined as unknown as string)).toEqual([]);
    expect(parseCommands(null as unknown as string)).toEqual([]);
  });
});

describe("newCommandLines", () => {
  it("returns only command lines added by the edit", () => {
    const before = "/locate v1..v2\nnotes";
    const after = "/locate v1..v2\nnotes\n/locate auto";
    expect(newCommandLines(before, after).map((line) => line.line)).toEqual(["/locate auto"]);
  });

  it("returns nothing when only prose changed", () => {
    expect(newCommandLines("/locate status\nold text", "new text\n/locate status")).toEqual([]);
  });

  it("treats a repeated line as new once (multiset)", () => {
    const parsed = newCommandLines("/locate retry v1", "/locate retry v1\n/locate retry v1");
    expect(parsed.map((line) => line.line)).toEqual(["/locate retry v1"]);
  });

  it("counts a changed line as new", () => {
    expect(kinds(newCommandLines("/locate v1..v2", "/locate v1..v3"))).toEqual(["start"]);
  });

  it("runs a command taken out of a code block", () => {
    expect(kinds(newCommandLines("```\n/locate status\n```", "/locate status"))).toEqual(["status"]);
  });

  it("does not run a command only moved or re-indented", () => {
    expect(newCommandLines("/locate pause\n/locate status", "  /locate status\n/locate pause")).toEqual([]);
  });

  it("treats everything as new when there was no previous text", () => {
    expect(kinds(newCommandLines("", "/locate pause\n/locate resume"))).toEqual(["pause", "resume"]);
  });

  it("returns an error for a new line that does not parse", () => {
    const parsed = newCommandLines("/locate status", "/locate status\n/locate stauts");
    expect(parsed).toHaveLength(1);
    expect(parsed[0]?.ok).toBe(false);
  });
});
