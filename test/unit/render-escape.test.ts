// Tests of markdown escaping, URL sanitising and the percent-encoding of names inside markers.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  decodeMarkerName,
  encodeMarkerName,
  escapeMarkdown,
  safeUrl,
  toOneLine,
  truncateText,
} from "../../src/render/escape.js";

const ZWJ = "\u200D";

describe("escapeMarkdown", () => {
  it.each([
    ["a|b", "a\\|b"],
    ["`code` ``x``", "\\`code\\` \\`\\`x\\`\\`"],
    ["<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"],
    ["<!-- x -->", "&lt;!-- x --&gt;"],
    ["&amp; &lt;", "&amp;amp; &amp;lt;"],
    ["**b** _i_ ~~s~~", "\\*\\*b\\*\\* \\_i\\_ \\~\\~s\\~\\~"],
    ["[t](http://x) ![i](y)", "\\[t\\]\\(http://x\\) !\\[i\\]\\(y\\)"],
    ["$x^2$", "\\$x^2\\$"],
    ["back\\slash", "back\\\\slash"],
    ["plain v1.2.3-rc.1", "plain v1.2.3-rc.1"],
  ])("escapes %j", (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it("breaks mentions with a zero-width joiner but leaves scoped package tags readable", () => {
    expect(escapeMarkdown("@alice and @org/team")).toBe(`@${ZWJ}alice and @${ZWJ}org/team`);
    expect(escapeMarkdown("@@alice")).toBe(`@${ZWJ}@${ZWJ}alice`);
    expect(escapeMarkdown("create-vite@5.0.0")).toBe("create-vite@5.0.0");
    expect(escapeMarkdown("@vitejs/plugin-react@4.0.0")).toBe(`@${ZWJ}vitejs/plugin-react@4.0.0`);
  });

  it("breaks issue references so commit titles do not cross-reference pull requests", () => {
    expect(escapeMarkdown("Fix crash (#1234)")).toBe(`Fix crash \\(#${ZWJ}1234\\)`);
    expect(escapeMarkdown("acme/widgets#7")).toBe(`acme/widgets#${ZWJ}7`);
    expect(escapeMarkdown("C# rocks")).toBe("C# rocks");
  });

  it("collapses every line break and whitespace run to one space", () => {
    expect(escapeMarkdown(" a\nb\r\nc\rd\u2028e\u2029f\u0085g\t\th ")).toBe("a b c d e f g h");
  });

  it("drops control and bidirectional override characters", () => {
    expect(escapeMarkdown("a\u0000b\u202Ec\u2066d\u0007")).toBe("abcd");
  });

  it("bounds length in code points, ending with …", () => {
    expect(escapeMarkdown("x".repeat(500), 10)).toBe("xxxxxxxxx…");
    expect(escapeMarkdown("🎉".repeat(20), 5)).toBe("🎉🎉🎉🎉…");
    expect(escapeMarkdown("short", 10)).toBe("short");
  });

  it("treats null and undefined as empty", () => {
    expect(escapeMarkdown(null)).toBe("");
    expect(escapeMarkdown(undefined)).toBe("");
  });

  it("never yields a line break, raw HTML, an unescaped pipe or backtick, or a mention, for any input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (input) => {
        const escaped = escapeMarkdown(input, 200);
        expect(escaped).not.toMatch(/[\r\n\u2028\u2029<>]/);
        expect(escaped).not.toMatch(/(?<!\\)[|`]/);
        expect(escaped).not.toMatch(/(?<![\p{L}\p{N}])@[\p{L}\p{N}]/u);
        expect(Array.from(toOneLine(input)).length > 200 ? escaped.endsWith("…") : true).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("truncateText", () => {
  it("never splits a surrogate pair", () => {
    expect(truncateText("a🎉b🎉c", 3)).toBe("a🎉…");
  });
});

describe("safeUrl", () => {
  it("keeps ordinary https links", () => {
    expect(safeUrl("https://github.com/acme/widgets/actions/runs/123")).toBe("https://github.com/acme/widgets/actions/runs/123");
  });

  it("rejects other schemes and junk", () => {
    expect(safeUrl("javascript:alert(1)")).toBeNull();
    expect(safeUrl("data:text/html,x")).toBeNull();
    expect(safeUrl("not a url")).toBeNull();
    expect(safeUrl(null)).toBeNull();
    expect(safeUrl("")).toBeNull();
  });

  it("percent-encodes what would end a link destination or split a table cell", () => {
    const url = safeUrl("https://example.com/a b/(x)|y`z?q=1&r=2") ?? "";
    expect(url).not.toMatch(/[\s()|`<>]/);
    expect(url).toContain("&amp;r=2");
  });
});

describe("encodeMarkerName", () => {
  it("is encodeURIComponent for ordinary names", () => {
    for (const name of ["v1.2.3", "v1.0.0-rc.1", "@scope/pkg@1.0.0", "release 5", "日本"]) {
      expect(encodeMarkerName(name)).toBe(encodeURIComponent(name));
    }
  });

  it("also encodes `--`, which GFM does not accept inside an HTML comment", () => {
    expect(encodeMarkerName("a-->")).toBe("a-%2D%3E");
    expect(encodeMarkerName("----")).toBe("-%2D-%2D");
    expect(encodeMarkerName("a---b")).toBe("a-%2D-b");
  });

  it("never yields text that could close a marker, and decodes back with decodeURIComponent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (name) => {
        const encoded = encodeMarkerName(name);
        expect(encoded).not.toMatch(/--|[<>\s,]/);
        expect(decodeMarkerName(encoded)).toBe(name);
        expect(decodeURIComponent(encoded)).toBe(name);
      }),
      { numRuns: 1000 },
    );
  });

  it("does not throw on lone surrogates", () => {
    expect(decodeMarkerName(encodeMarkerName("a\uD800b"))).toBe("a\uFFFDb");
  });

  it("decodes malformed percent-encoding to null instead of throwing", () => {
    expect(decodeMarkerName("%E0%A4%A")).toBeNull();
    expect(decodeMarkerName("%")).toBeNull();
  });
});
