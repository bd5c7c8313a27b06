// `npm run bench [-- --quick]`: runs the four measures of §10, prints their tables and writes bench/results.md. No logic of its own beyond sequencing.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runApiCostBench, runStartCostBench } from "./api-cost.js";
import { runFlakyBench } from "./flaky.js";
import { type PostgresForBench, startPostgres } from "./harness.js";
import { runMemoryBench } from "./memory.js";
import { runSearchBench } from "./search.js";
import { type SectionResult, type Table, mark, renderTable, seconds } from "./table.js";
import { runWebhookBench } from "./webhooks.js";

const RESULTS = fileURLToPath(new URL("./results.md", import.meta.url));

interface Section {
  readonly name: string;
  readonly run: (context: { quick: boolean; pg: PostgresForBench; log: (line: string) => void }) => Promise<SectionResult> | SectionResult;
}

const SECTIONS: readonly Section[] = [
  { name: "search efficiency", run: ({ quick }) => runSearchBench({ quick }) },
  { name: "flaky CI from outside", run: runFlakyBench },
  { name: "API cost", run: runApiCostBench },
  { name: "first comment", run: runStartCostBench },
  { name: "webhook handling", run: runWebhookBench },
  { name: "memory", run: runMemoryBench },
];

function machine(): string[] {
  const cpus = os.cpus();
  const load = os.loadavg().map((n) => n.toFixed(2)).join(" / ");
  return [
    `- CPU: ${cpus[0]?.model.trim() ?? "unknown"}, ${cpus.length} cores`,
    `- Memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB`,
    `- Node ${process.version} on ${os.platform()} ${os.release()} (${os.arch()})`,
    // Throughput and wall times depend on what else the machine is doing; the load says whether it was quiet.
    `- Load average at the end (1 / 5 / 15 min): ${load}`,
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { quick: { type: "boolean", default: false }, only: { type: "string" }, "update-results": { type: "boolean", default: false } },
  });
  const quick = values.quick === true;
  // `--only <words>` runs the sections whose name contains them and prints their tables; results.md keeps the last
  // full run, so it is not rewritten, unless `--update-results` asks to put just these sections' tables in it.
  const only = values.only?.toLowerCase();
  // Several sections: their words separated by commas ("api cost,first comment").
  const words = only?.split(",").map((word) => word.trim()).filter((word) => word !== "") ?? [];
  const sections = only ? SECTIONS.filter((section) => words.some((word) => section.name.toLowerCase().includes(word))) : SECTIONS;
  const started = performance.now();
  const log = (line: string) => console.log(line);
  console.log(`Locate benchmark (${quick ? "quick" : "full"}), ${new Date().toISOString()}`);

  const pg = await startPostgres();
  console.log(`Postgres: ${pg.version}`);
  const results: Array<{ section: Section; result: SectionResult; ms: number }> = [];
  try {
    for (const section of sections) {
      const sectionStarted = performance.now();
      console.log(`\n== ${section.name} ==`);
      const result = await section.run({ quick, pg, log });
      const ms = performance.now() - sectionStarted;
      for (const table of result.tables) console.log(`\n${renderTable(table)}`);
      console.log(`\n(${section.name}: ${seconds(ms)})`);
      results.push({ section, result, ms });
    }
  } finally {
    await pg.stop();
  }

  const totalMs = performance.now() - started;
  const targets: Table = {
    title: "Targets",
    head: ["target", "measured", "met"],
    rows: results.flatMap(({ result }) => result.targets.map((t) => [t.target, t.measured, mark(t.met)])),
  };
  console.log(`\n${renderTable(targets)}\n\nTotal: ${seconds(totalMs)}`);

  const markdown = [
    "# Locate benchmark results",
    "",
    `Written by \`npm run bench${quick ? " -- --quick" : ""}\` on ${new Date().toISOString()} in ${seconds(totalMs)} (${results.map((r) => `${r.section.name} ${seconds(r.ms)}`).join(", ")}).`,
    "",
    ...machine(),
    `- Postgres: ${pg.version}`,
    "",
    "## Summary",
    "",
    renderTable(targets),
    "",
    "## Tables",
    "",
    ...results.flatMap(({ result }) => result.tables.map((table) => `${renderTable(table)}\n`)),
    ...(results.some(({ result }) => (result.details ?? []).length > 0) ? ["## Details", ""] : []),
    ...results.flatMap(({ result }) => (result.details ?? []).map((table) => `${renderTable(table)}\n`)),
  ].join("\n");
  if (only && values["update-results"] === true) {
    writeFileSync(RESULTS, patchResults(readFileSync(RESULTS, "utf8"), results.map(({ result }) => result), quick));
    console.log(`Tables of ${sections.map((section) => section.name).join(", ")} updated in ${RESULTS}`);
    return;
  }
  if (only) {
    console.log(`(--only: ${RESULTS} keeps the last full run; add --update-results to put these tables in it)`);
    return;
  }
  writeFileSync(RESULTS, markdown);
  console.log(`Results written to ${RESULTS}`);
}

/**
 * results.md with the given sections' tables put in place of the tables of the same title (or added at the end of
 * the tables), and their targets in place of the summary rows of the same target (or added to it).
 */
function patchResults(markdown: string, sections: readonly SectionResult[], quick: boolean): string {
  if (!existsSync(RESULTS)) throw new Error("--only updates results.md, which a full run writes first");
  let text = markdown;
  for (const table of sections.flatMap((section) => [...section.tables, ...(section.details ?? [])])) {
    const rendered = `${renderTable(table)}\n`;
    const start = text.indexOf(`### ${table.title}\n`);
    if (start >= 0) {
      const next = text.slice(start + 4).search(/\n#{2,3} /);
      text = text.slice(0, start) + rendered + (next < 0 ? "" : text.slice(start + 4 + next + 1));
    } else {
      // A new table goes where a full run would put it: before the first table numbered after it ("2d." before "3.").
      const number = (title: string) => title.split(" ", 1)[0] ?? "";
      const details = text.indexOf("## Details");
      const later = [...text.matchAll(/^### (.+)$/gm)].find(
        (heading) => (details < 0 || (heading.index ?? 0) < details) && /^\d/.test(heading[1] ?? "") && number(heading[1] ?? "").localeCompare(number(table.title), "en", { numeric: true }) > 0,
      );
      const at = later?.index ?? (details < 0 ? -1 : details);
      text = at < 0 ? `${text.trimEnd()}\n\n${rendered}` : `${text.slice(0, at)}${rendered}\n${text.slice(at)}`;
    }
  }
  const summaryStart = text.indexOf("### Targets\n");
  const summaryEnd = text.indexOf("\n## Tables");
  if (summaryStart >= 0 && summaryEnd > summaryStart) {
    const rows = [...text.slice(summaryStart, summaryEnd).matchAll(/^\| (.+?) +\| +(.+?) \| +(\S*) \|$/gm)]
      .slice(1)
      .filter((match) => !/^:?-+$/.test(match[1] ?? ""))
      .map((match) => [match[1] ?? "", match[2] ?? "", match[3] ?? ""]);
    for (const target of sections.flatMap((section) => section.targets)) {
      const row = [target.target, target.measured, mark(target.met)];
      const at = rows.findIndex((existing) => existing[0] === target.target);
      if (at >= 0) rows[at] = row;
      else rows.push(row);
    }
    const summary = renderTable({ title: "Targets", head: ["target", "measured", "met"], rows });
    text = `${text.slice(0, summaryStart)}${summary}\n${text.slice(summaryEnd)}`;
  }
  const stamp = `\nTables of ${sections.length} section(s) last updated by \`npm run bench -- ${quick ? "--quick " : ""}--only … --update-results\` on ${new Date().toISOString()}; load average then ${os.loadavg().map((n) => n.toFixed(2)).join(" / ")}.\n`;
  return text.replace(/\nTables of \d+ section\(s\) last updated by [^\n]*\n/, "\n").replace("\n## Summary", `${stamp}\n## Summary`);
}

main().then(
  // Pools and sockets the libraries keep open must not hold the benchmark open once it is done.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
