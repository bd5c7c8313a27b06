// `npm run bench [-- --quick] [-- --only <words>[,<words>] [--update-results]]`: runs the measures of §10, prints their tables and writes bench/results.md. No logic of its own beyond sequencing.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runApiCostBench, runStartCostBench } from "./api-cost.js";
import { runBusyBench } from "./busy.js";
import { runFlakyBench } from "./flaky.js";
import { type PostgresForBench, startPostgres } from "./harness.js";
import { runMemoryBench } from "./memory.js";
import { runSearchBench } from "./search.js";
import { type SectionResult, type Table, mark, renderTable, seconds, spliceResults } from "./table.js";
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
  { name: "busy installation", run: runBusyBench },
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
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      "update-results": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      [
        "npm run bench [-- --quick] [-- --only <words>[,<words>…] [--update-results]]",
        "  --quick            smaller sizes, for a quick look",
        `  --only             run the sections whose name contains these words (${SECTIONS.map((s) => `"${s.name}"`).join(", ")})`,
        "  --update-results   with --only: put just their tables and targets into bench/results.md, keeping the rest",
      ].join("\n"),
    );
    return;
  }
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
    const note = `${results.map((r) => r.section.name).join(", ")} re-measured by \`npm run bench -- --only "${values.only}" --update-results${quick ? " --quick" : ""}\` on ${new Date().toISOString()} in ${seconds(totalMs)}, Node ${process.version}, load average ${os.loadavg().map((n) => n.toFixed(2)).join(" / ")}.`;
    if (!existsSync(RESULTS)) throw new Error("--update-results changes bench/results.md, which a full run writes first");
    writeFileSync(RESULTS, spliceResults(readFileSync(RESULTS, "utf8"), results.map(({ result }) => result), note));
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

main().then(
  // Pools and sockets the libraries keep open must not hold the benchmark open once it is done.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
