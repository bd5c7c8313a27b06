import { loadHistory } from "../test/helpers/histories.ts";
const h = loadHistory("pallets__flask");
const out: string[] = [];
for (const bad of h.tags) {
  const chain: string[] = []; let cur: string | undefined = bad.sha;
  for (let i = 0; i < 2000 && cur; i++) { chain.push(cur); cur = h.commit(cur).parents[0]; }
  for (const good of h.tags) {
    const at = chain.indexOf(good.sha);
    if (at <= 0) continue;
    const c = h.compareRange(good.sha, bad.sha).commits.length;
    if (c > 150 && c < 700 && Math.ceil((at + 1) / 100) < Math.ceil(c / 100) - 1) out.push(`${good.name}..${bad.name} C=${c} chain=${at - 1}`);
  }
}
console.log(out.slice(0, 10).join("\n"));
