// temporary profiling
import fc from "fast-check";
import { it } from "vitest";
import { parseCommandLine, parseCommands } from "../../src/commands/index.js";
it("prof", () => {
  const prefixes = ["/locate ", "/locate good v1 ", "/locate v1..v2 input.x=", '/locate v1..v2 input.x="', "/locate v1..", "```"];
  const units = ["a", "`", "\"", " ", "..", "<!--", "x ", "\u00e9", "\uD83D\uDE00", "`` ` "];
  for (const p of prefixes) for (const u of units) {
    const text = p + u.repeat(Math.ceil(80000 / u.length));
    let t = performance.now(); parseCommandLine(text); const a = performance.now() - t;
    t = performance.now(); parseCommands(text); const b = performance.now() - t;
    if (a + b > 20) console.log(JSON.stringify(p), JSON.stringify(u), a.toFixed(0), b.toFixed(0));
  }
  let t = performance.now();
  fc.assert(fc.property(fc.integer({min: 10000, max: 80000}), (n) => { parseCommandLine("/locate " + "a".repeat(n)); }), { numRuns: 40 });
  console.log("fc", performance.now() - t);
});
