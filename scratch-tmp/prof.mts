import { Graph } from "../src/sandbox/history.ts";
import { syntheticHistory } from "../src/sandbox/synthetic.ts";
import { Comparisons } from "../src/sandbox/comparisons.ts";
const g = new Graph(syntheticHistory(10000, 7));
const c = new Comparisons(g);
const good = g.tag("v0.1976.0")!.index, bad = g.tag("v0.10000.0")!.index;
let t = performance.now();
for (const tag of g.tags) { c.compare(tag.index, good); }
console.log("toGood", performance.now() - t, g.size);
t = performance.now();
for (const tag of g.tags) { c.compare(tag.index, bad); }
console.log("toBad", performance.now() - t);
