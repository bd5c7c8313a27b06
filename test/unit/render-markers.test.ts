// Tests of the marker builders and of parsing markers back from hand-edited or hostile comment bodies.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  AUTO_MARKER,
  findHuntId,
  findState,
  huntMarker,
  parseCommentMarks,
  parseResultMarker,
  resultMarker,
  stateMarker,
  tagMarker,
} from "../../src/render/markers.js";

describe("marker builders", () => {
  it("have the documented format", () => {
    expect(huntMarker(17)).toBe("<!-- locate:hunt:17 -->");
    expect(stateMarker("paused")).toBe("<!-- locate:state:paused -->");
    expect(tagMarker("v1.0 beta")).toBe("<!-- locate:tag:v1.0%20beta -->");
    expect(AUTO_MARKER).toBe("<!-- locate:auto -->");
    expect(resultMarker({ firstBad: "v2", lastGood: "v1" })).toBe("<!-- locate:result first-bad=v2 last-good=v1 -->");
    expect(resultMarker({ firstBad: "a,1", lastGood: "v1", candidates: ["a,1", "b"] })).toBe(
      "<!-- locate:result first-bad=a%2C1 last-good=v1 candidates=a%2C1,b -->",
    );
  });

  it("never put arbitrary text in the hunt marker", () => {
    expect(huntMarker(Number.NaN)).toBe("<!-- locate:hunt:0 -->");
    expect(huntMarker(-3)).toBe("<!-- locate:hunt:0 -->");
  });

  it("round-trip the result marker", () => {
    const marker = resultMarker({ firstBad: "x-->", lastGood: "<y>", candidates: ["x-->", "z,w"] });
    expect(parseResultMarker(`text\n${marker}\n`)).toEqual({ firstBad: "x-->", lastGood: "<y>", candidates: ["x-->", "z,w"], confidence: null });
  });

  it("carry the answer's probability, rounded down to four decimals so it never reads surer than it is", () => {
    expect(resultMarker({ firstBad: "v2", lastGood: "v1", confidence: 0.99996 })).toBe("<!-- locate:result first-bad=v2 last-good=v1 confidence=0.9999 -->");
    expect(parseResultMarker(resultMarker({ firstBad: "v2", lastGood: "v1", confidence: 0.991234 }))).toEqual({ firstBad: "v2", lastGood: "v1", candidates: ["v2"], confidence: 0.9912 });
    expect(resultMarker({ firstBad: "v2", lastGood: "v1", confidence: 1.5 })).toBe("<!-- locate:result first-bad=v2 last-good=v1 -->");
  });
});

describe("findHuntId and findState", () => {
  it("read the first markers", () => {
    const body = "intro\n<!-- locate:hunt:99 --><!-- locate:state:found -->\n<!-- locate:hunt:5 -->";
    expect(findHuntId(body)).toBe(99);
    expect(findState(body)).toBe("found");
  });

  it("return null when absent or malformed", () => {
    expect(findHuntId("no marker")).toBeNull();
    expect(findHuntId("<!-- locate:hunt:abc -->")).toBeNull();
    expect(findHuntId("<!-- locate:hunt:99999999999999999 -->")).toBeNull();
    expect(findState("<!-- locate:state:exploded -->")).toBeNull();
  });
});

describe("parseCommentMarks", () => {
  const body = [
    huntMarker(7),
    "",
    `- [x] one ${tagMarker("v1")}`,
    `- [ ] two ${tagMarker("v2")}`,
    `  * [X] three ${tagMarker("v3")}`,
    `1. [x] four ${tagMarker("v4")}`,
    `- [x] again ${tagMarker("v1")}`,
    `[x] not a list item ${tagMarker("v5")}`,
    `> - [x] quoted ${tagMarker("v6")}`,
    `- [x] bad encoding <!-- locate:tag:%E0%A4%A -->`,
    `- [x]no space ${tagMarker("v7")}`,
    `- [ ] ${AUTO_MARKER}`,
  ].join("\n");

  it("reads ticked task-list items only, decoded, once each, in order", () => {
    expect(parseCommentMarks(body)).toEqual({ huntId: 7, ticked: ["v1", "v3", "v4"], autopilot: false });
  });

  it("reads the first auto-pilot item and ignores an auto marker outside a task list", () => {
    expect(parseCommentMarks(`${AUTO_MARKER}\n- [x] 🤖 ${AUTO_MARKER}\n- [ ] ${AUTO_MARKER}`).autopilot).toBe(true);
    expect(parseCommentMarks(`just ${AUTO_MARKER}`).autopilot).toBeNull();
  });

  it("handles CRLF and lone CR line ends", () => {
    expect(parseCommentMarks(body.replace(/\n/g, "\r\n")).ticked).toEqual(["v1", "v3", "v4"]);
    expect(parseCommentMarks(body.replace(/\n/g, "\r")).ticked).toEqual(["v1", "v3", "v4"]);
  });

  it("returns an empty result for an empty or non-string body", () => {
    expect(parseCommentMarks("")).toEqual({ huntId: null, ticked: [], autopilot: null });
    expect(parseCommentMarks(undefined as unknown as string)).toEqual({ huntId: null, ticked: [], autopilot: null });
  });

  it("never throws on arbitrary bodies", () => {
    const fragments = fc.constantFrom(
      "- [x] ",
      "- [ ] ",
      "<!-- locate:tag:",
      "<!-- locate:hunt:",
      AUTO_MARKER,
      " -->",
      "%",
      "%E0",
      "\r\n",
      "\n",
      "x",
      "🎉",
      "\uD800",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fragments, fc.string({ unit: "binary" })), { maxLength: 60 }), (parts) => {
        const marks = parseCommentMarks(parts.join(""));
        expect(Array.isArray(marks.ticked)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("reads a large hostile body of unclosed markers without finding ticks", () => {
    const hostile = ("- [x] " + "<!-- locate:tag:" + "a".repeat(50)).repeat(1300) + "\n" + " ".repeat(65_000);
    expect(parseCommentMarks(hostile).ticked).toEqual([]);
  });
});
