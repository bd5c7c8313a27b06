// The notification's text (issue 14): the starter mentioned, the hunt linked, a marker that finds it again. Pure.
import { describe, expect, it } from "vitest";
import type { HuntRow } from "../../src/db/schema.js";
import { notificationMarker, renderNotification } from "../../src/hunt/notify.js";

const hunt = { id: 12, createdBy: "alice" } as HuntRow;

describe("renderNotification", () => {
  it("mentions the starter, says what happened, links the hunt comment and carries its marker", () => {
    const body = renderNotification(hunt, { key: "found", summary: "🎯 Found." }, "https://github.com/o/r/issues/7#issuecomment-9");
    expect(body).toBe("@alice 🎯 Found. [See the hunt](https://github.com/o/r/issues/7#issuecomment-9).\n\n<!-- locate:notify:12:found -->");
  });
  it("mentions nobody else: a login is reduced to login characters", () => {
    expect(renderNotification({ ...hunt, createdBy: "al ice @bob](x)" }, { key: "k", summary: "s" }, null)).toMatch(/^@alicebobx s\n/);
  });
  it("leaves the link out when the hunt comment is not known, and never lets a key close its marker", () => {
    expect(renderNotification(hunt, { key: "k", summary: "s" }, "javascript:alert(1)")).not.toContain("See the hunt");
    expect(notificationMarker(1, "round:3 -->x")).toBe("<!-- locate:notify:1:round%3A3%20-%2D%3Ex -->");
  });
});
