// The command registry: the single source of every command's usage, help text and required permission.

import { CONFIDENCE, FLAKE_RATE, asPercent } from "../config/search-settings.js";
import type { CommandKind } from "./types.js";

/** Who may run a command: `write` means write, maintain or admin on the repository (DESIGN §2 "Who may act"). */
export type CommandPermission = "write" | "anyone";

export interface CommandSpec {
  /** Stable name of the entry; for keyword commands it is also the word typed after `/locate`. */
  readonly name: string;
  /** The word typed after `/locate`, or null for the start command, which begins with a range instead. */
  readonly keyword: string | null;
  readonly kind: CommandKind;
  readonly usage: string;
  readonly summary: string;
  readonly examples: readonly string[];
  readonly who: CommandPermission;
}

export interface StartOptionSpec {
  /** The key as typed; `input.<name>` stands for the whole family of input options. */
  readonly name: string;
  readonly usage: string;
  readonly description: string;
}

export const COMMAND_PREFIX = "/locate";

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "start",
    keyword: null,
    kind: "start",
    usage: "/locate <good>..<bad> [options]",
    summary:
      "Start a hunt on this issue for the first bad version between a good and a bad tag (or commit SHAs, for commit mode).",
    examples: [
      "/locate v1.2.0..v1.5.0",
      "/locate v1.2.0..v1.5.0 parallel=5 filter=v1.* auto",
      '/locate v2.0.0..v2.3.1 workflow=repro.yml input.os="ubuntu-latest"',
      "/locate v1.2.0..v1.5.0 flake-rate=10% confidence=99.9% auto",
    ],
    who: "write",
  },
  {
    name: "status",
    keyword: "status",
    kind: "status",
    usage: "/locate status",
    summary: "Refresh the hunt's comment from stored state and check on runs in flight.",
    examples: ["/locate status"],
    who: "anyone",
  },
  {
    name: "good",
    keyword: "good",
    kind: "verdict",
    usage: "/locate good <tag> [note]",
    summary: "Record by hand that a version is good; the note is shown in the runs table.",
    examples: ["/locate good v1.3.0", "/locate good v1.3.0 tested locally on macOS"],
    who: "write",
  },
  {
    name: "bad",
    keyword: "bad",
    kind: "verdict",
    usage: "/locate bad <tag> [note]",
    summary: "Record by hand that a version is bad; the note is shown in the runs table.",
    examples: ["/locate bad v1.4.0", "/locate bad v1.4.0 crashes on start-up"],
    who: "write",
  },
  {
    name: "skip",
    keyword: "skip",
    kind: "verdict",
    usage: "/locate skip <tag> [note]",
    summary: "Leave a version out of the search (for example, it does not build).",
    examples: ["/locate skip v1.3.5 does not build"],
    who: "write",
  },
  {
    name: "retry",
    keyword: "retry",
    kind: "retry",
    usage: "/locate retry <tag>",
    summary: "Run the workflow for a version again; its run is weighed with the others.",
    examples: ["/locate retry v1.3.2"],
    who: "write",
  },
  {
    name: "auto",
    keyword: "auto",
    kind: "auto",
    usage: "/locate auto",
    summary: "Switch auto-pilot on: run the suggested candidates each round until the first bad version is found.",
    examples: ["/locate auto"],
    who: "write",
  },
  {
    name: "manual",
    keyword: "manual",
    kind: "manual",
    usage: "/locate manual",
    summary: "Switch auto-pilot off: only ticked candidates are run.",
    examples: ["/locate manual"],
    who: "write",
  },
  {
    name: "pause",
    keyword: "pause",
    kind: "pause",
    usage: "/locate pause",
    summary: "Stop starting runs; runs in flight still report their verdicts.",
    examples: ["/locate pause"],
    who: "write",
  },
  {
    name: "resume",
    keyword: "resume",
    kind: "resume",
    usage: "/locate resume",
    summary: "Start runs again after a pause.",
    examples: ["/locate resume"],
    who: "write",
  },
  {
    name: "cancel",
    keyword: "cancel",
    kind: "cancel",
    usage: "/locate cancel",
    summary: "End the hunt and cancel its runs in flight.",
    examples: ["/locate cancel"],
    who: "write",
  },
  {
    name: "commits",
    keyword: "commits",
    kind: "commits",
    usage: "/locate commits",
    summary: "After the first bad tag is found, hunt the first bad commit between the last good and first bad tag.",
    examples: ["/locate commits"],
    who: "write",
  },
  {
    name: "help",
    keyword: "help",
    kind: "help",
    usage: "/locate help",
    summary: "Reply with this list of commands.",
    examples: ["/locate help"],
    who: "anyone",
  },
];

export const START_OPTIONS: readonly StartOptionSpec[] = [
  {
    name: "workflow",
    usage: "workflow=<file name or id>",
    description: "The workflow to run: its file name, e.g. `repro.yml`, or its numeric id. Default: the configured workflow, else `locate.yml`.",
  },
  {
    name: "parallel",
    usage: "parallel=<1..10>",
    description: "At most this many runs of the hunt in flight at once: auto-pilot's picks per round, ticks and re-runs included (default 3).",
  },
  {
    name: "filter",
    usage: "filter=<glob>",
    description: "Only consider tag names matching this glob, e.g. `v*` or `create-vite@*`.",
  },
  {
    name: "auto",
    usage: "auto",
    description: "Start in auto-pilot.",
  },
  {
    name: "confidence",
    usage: `confidence=<${CONFIDENCE.min}..${CONFIDENCE.max}>`,
    description: `Stop when one version holds at least this probability of being the first bad one; higher asks for more runs (default ${CONFIDENCE.default}, or the configured \`confidence\`). A percentage works too: \`confidence=${asPercent(0.999)}\`.`,
  },
  {
    name: "flake-rate",
    usage: `flake-rate=<${FLAKE_RATE.min}..${FLAKE_RATE.max}>`,
    description: `How often you expect a run to give the wrong verdict, either way (default ${FLAKE_RATE.default}, or the configured \`flake-rate\`); only a starting point, which Locate re-estimates from the runs. A percentage works too: \`flake-rate=${asPercent(0.1)}\`.`,
  },
  {
    name: "repro",
    usage: "repro=<source>",
    description:
      "Where the reproduction passed to the workflow as the input `repro` comes from: `comment`, the first fenced code block of this comment (the default); `issue`, that of the issue body; or `none`. The block's language, e.g. `sh`, goes as `repro_lang`.",
  },
  {
    name: "input.<name>",
    usage: "input.<name>=<value>",
    description: 'Pass an extra input to the workflow; quote values with spaces: `input.msg="hello world"`.',
  },
];

/** The registry entry of a keyword command, or undefined for a word that is not one. */
export function commandByKeyword(word: string): CommandSpec | undefined {
  return COMMANDS.find((spec) => spec.keyword === word);
}

/** The registry entry named `name`; throws for a name that is not registered, which is a programming error. */
export function commandSpec(name: string): CommandSpec {
  const spec = COMMANDS.find((entry) => entry.name === name);
  if (!spec) throw new Error(`no command named ${name} in the registry`);
  return spec;
}

/** Every word that may follow `/locate`, for suggestions. */
export function commandKeywords(): string[] {
  return COMMANDS.flatMap((spec) => (spec.keyword === null ? [] : [spec.keyword]));
}

/** The permission a parsed command needs; every kind is in the registry, and all entries of one kind agree. */
export function requiredPermission(kind: CommandKind): CommandPermission {
  const specs = COMMANDS.filter((spec) => spec.kind === kind);
  // An unregistered kind can only come from a type-unsafe caller; refusing is the safe answer.
  if (specs.length === 0) return "write";
  return specs.some((spec) => spec.who === "write") ? "write" : "anyone";
}

/** One line listing every option's usage, for error messages about options. */
export function startOptionsUsage(): string {
  return START_OPTIONS.map((option) => `\`${option.usage}\``).join(", ");
}

function tableCell(text: string): string {
  // A pipe would split the cell, even inside a code span, in GitHub's tables.
  return text.replace(/\|/g, "\\|");
}

/** The markdown reply to `/locate help`, generated from the registry so it can never drift from the parser. */
export function renderHelp(): string {
  const commandRows = COMMANDS.map(
    (spec) =>
      `| ${tableCell(`\`${spec.usage}\``)} | ${tableCell(spec.summary)} | ${spec.who === "write" ? "write access" : "anyone"} |`,
  );
  const optionRows = START_OPTIONS.map(
    (option) => `| ${tableCell(`\`${option.usage}\``)} | ${tableCell(option.description)} |`,
  );
  // Every start example (options are the part people get wrong), then one per other command.
  const examples = [
    ...commandSpec("start").examples,
    ...COMMANDS.filter((spec) => spec.kind !== "start" && spec.kind !== "help").flatMap((spec) => spec.examples.slice(-1)),
  ];
  return [
    "### 🔎 Locate commands",
    "",
    "Write each command on its own line in an issue comment (or in the issue body). Several commands in one comment run in order. Lines in code blocks, quotes and HTML comments are ignored, and an edited comment runs only its new command lines.",
    "",
    "| command | what it does | who may run it |",
    "|---|---|---|",
    ...commandRows,
    "",
    "#### Options for a new hunt",
    "",
    "Add them after the range as `key=value`, in any order:",
    "",
    "| option | what it does |",
    "|---|---|",
    ...optionRows,
    "",
    "#### Examples",
    "",
    "```",
    ...examples,
    "```",
    "",
    "“Write access” means write, maintain or admin permission on this repository.",
  ].join("\n");
}
