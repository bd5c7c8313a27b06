// Property tests: generated commands parse to what they say, and no input whatsoever makes the parser throw or lie.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  INTERNAL_PARSE_ERROR,
  MAX_COMMANDS_PER_BODY,
  MAX_NOTE_CHARS,
  MAX_PARALLEL,
  MAX_USER_INPUTS,
  RESERVED_INPUT_NAMES,
  isValidTagOrSha,
  parseCommandLine,
  parseCommands,
} from "../../src/commands/index.js";
import type { Command, ParsedLine } from "../../src/commands/index.js";
import { CONFIDENCE, FLAKE_RATE } from "../../src/config/search-settings.js";

// NUL (Postgres text refuses it) or a lone UTF-16 surrogate (not encodable as UTF-8).
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

const KINDS = new Set(["start", "status", "verdict", "retry", "auto", "manual", "pause", "resume", "cancel", "commits", "help"]);
const ZERO_ARGUMENT_KEYWORDS = ["status", "auto", "manual", "pause", "resume", "cancel", "commits", "help"] as const;

/**
 * What is wrong with a parse result, or null when it keeps every promise: a command is usable as is, and an error
 * explains itself. Plain checks rather than one `expect` each keep 10,000 runs within the time budget.
 */
function wellFormedProblem(parsed: ParsedLine): string | null {
  if (typeof parsed.line !== "string") return "line is not a string";
  if (!parsed.ok) {
    if (typeof parsed.error !== "string" || parsed.error.trim() === "") return "empty error";
    if (parsed.error === INTERNAL_PARSE_ERROR) return "the parser threw internally";
    return null;
  }
  const command = parsed.command;
  if (!KINDS.has(command.kind)) return `unknown kind ${String(command.kind)}`;
  if (stringsIn(command).some((text) => UNSTORABLE.test(text))) return "a command field holds text Postgres or GitHub cannot take";
  if (command.kind === "start") {
    if (!isValidTagOrSha(command.good) || !isValidTagOrSha(command.bad)) return "invalid tag in range";
    if (command.good === command.bad) return "good equals bad";
    const { parallel, confidence, flakeRate, inputs } = command.options;
    if (parallel !== undefined && !(Number.isInteger(parallel) && parallel >= 1 && parallel <= MAX_PARALLEL)) {
      return `parallel out of range: ${parallel}`;
    }
    if (confidence !== undefined && !(confidence >= CONFIDENCE.min && confidence <= CONFIDENCE.max)) return `confidence out of range: ${confidence}`;
    if (flakeRate !== undefined && !(flakeRate >= FLAKE_RATE.min && flakeRate <= FLAKE_RATE.max)) return `flake rate out of range: ${flakeRate}`;
    const names = Object.keys(inputs);
    if (names.length > MAX_USER_INPUTS) return "too many inputs";
    if (names.some((name) => RESERVED_INPUT_NAMES.includes(name.toLowerCase()))) return "reserved input name";
  }
  if ((command.kind === "verdict" || command.kind === "retry") && !isValidTagOrSha(command.tag)) return "invalid tag";
  if (command.kind === "verdict" && command.note !== null && (command.note === "" || command.note.length > MAX_NOTE_CHARS)) {
    return "note empty or too long";
  }
  return null;
}

function assertWellFormed(parsed: ParsedLine): void {
  const problem = wellFormedProblem(parsed);
  if (problem !== null) expect.fail(`${problem}: ${JSON.stringify(parsed).slice(0, 500)}`);
}

// Strings over a fixed alphabet; much cheaper to generate than fc.stringMatching, which keeps 10,000 runs fast.
function stringOver(first: string, rest: string, maxLength: number): fc.Arbitrary<string> {
  const firstChar = first === "" ? fc.constant("") : fc.constantFrom(...first);
  return fc
    .tuple(firstChar, fc.string({ unit: fc.constantFrom(...rest), maxLength }))
    .map(([head, tail]) => head + tail);
}

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const tagArbitrary = stringOver(ALPHANUMERIC, `${ALPHANUMERIC}._@/+-`, 24).filter((tag) => isValidTagOrSha(tag));
const inputNameArbitrary = stringOver(`${ALPHANUMERIC.slice(0, 52)}_`, `${ALPHANUMERIC}_-`, 15).filter(
  (name) => !RESERVED_INPUT_NAMES.includes(name.toLowerCase()) && name !== "__proto__",
);
const plainTextArbitrary = stringOver("", `${ALPHANUMERIC} .,:;!?()'-`, 40);

/**
 * A probability in ten-thousandths within [min, max], written as a decimal (`0.9123`) or a percentage (`91.23%`), and
 * the number it must parse to.
 */
function probabilityArbitrary(min: number, max: number): fc.Arbitrary<{ readonly written: string; readonly value: number }> {
  return fc
    .tuple(fc.integer({ min: Math.round(min * 10_000), max: Math.round(max * 10_000) }), fc.boolean())
    .map(([tenThousandths, asPercentage]) => ({
      written: asPercentage ? `${tenThousandths / 100}%` : `0.${String(tenThousandths).padStart(4, "0")}`,
      value: tenThousandths / 10_000,
    }));
}

interface GeneratedCommand {
  readonly line: string;
  readonly expected: Command;
}

const startArbitrary: fc.Arbitrary<GeneratedCommand> = fc
  .record({
    good: tagArbitrary,
    bad: tagArbitrary,
    parallel: fc.option(fc.integer({ min: 1, max: MAX_PARALLEL }), { nil: undefined }),
    workflow: fc.option(fc.constantFrom("locate.yml", "repro.yaml", "ci-2.yml", "123456"), { nil: undefined }),
    filter: fc.option(fc.constantFrom("v*", "create-vite@*", "v1.*", "{a,b}*", "release/**"), { nil: undefined }),
    auto: fc.option(fc.boolean(), { nil: undefined }),
    confidence: fc.option(probabilityArbitrary(CONFIDENCE.min, CONFIDENCE.max), { nil: undefined }),
    flakeRate: fc.option(probabilityArbitrary(FLAKE_RATE.min, FLAKE_RATE.max), { nil: undefined }),
    inputs: fc.uniqueArray(fc.tuple(inputNameArbitrary, plainTextArbitrary), {
      maxLength: 5,
      selector: ([name]) => name.toLowerCase(),
    }),
  })
  .filter(({ good, bad }) => good !== bad)
  .map(({ good, bad, parallel, workflow, filter, auto, confidence, flakeRate, inputs }) => {
    const words = [`${good}..${bad}`];
    const options: Extract<Command, { kind: "start" }>["options"] = { inputs: {} };
    if (parallel !== undefined) {
      words.push(`parallel=${parallel}`);
      options.parallel = parallel;
    }
    if (workflow !== undefined) {
      words.push(`workflow=${workflow}`);
      options.workflow = workflow;
    }
    if (filter !== undefined) {
      words.push(`filter=${filter}`);
      options.filter = filter;
    }
    if (auto !== undefined) {
      words.push(auto ? "auto" : "auto=false");
      options.auto = auto;
    }
    if (confidence !== undefined) {
      words.push(`confidence=${confidence.written}`);
      options.confidence = confidence.value;
    }
    if (flakeRate !== undefined) {
      words.push(`flake-rate=${flakeRate.written}`);
      options.flakeRate = flakeRate.value;
    }
    for (const [name, value] of inputs) {
      words.push(`input.${name}="${value}"`);
      options.inputs[name] = value;
    }
    return { line: `/locate ${words.join(" ")}`, expected: { kind: "start", good, bad, options } };
  });

const verdictArbitrary: fc.Arbitrary<GeneratedCommand> = fc
  .tuple(fc.constantFrom("good", "bad", "skip"), tagArbitrary, plainTextArbitrary)
  .map(([verdict, tag, note]) => ({
    line: `/locate ${verdict} ${tag} ${note}`,
    expected: { kind: "verdict", verdict, tag, note: note.trim() === "" ? null : note.trim() },
  }));

const simpleArbitrary: fc.Arbitrary<GeneratedCommand> = fc.oneof(
  tagArbitrary.map((tag): GeneratedCommand => ({ line: `/locate retry ${tag}`, expected: { kind: "retry", tag } })),
  fc.constantFrom(...ZERO_ARGUMENT_KEYWORDS).map((kind): GeneratedCommand => ({ line: `/locate ${kind}`, expected: { kind } })),
);

const validCommandArbitrary = fc.oneof(startArbitrary, verdictArbitrary, simpleArbitrary);

// Characters that matter to the grammar or the markdown scanner, so mutations hit the interesting paths often.
const SPECIAL_FRAGMENTS = ['"', "“", "”", "\\", "..", "...", "=", "`", "```", "~~~", "<!--", "-->", ">", "\n", "\r\n", "\r", "\t", " ", "\u0000", "\u00a0", "\u202e", "\uFEFF", "\uD800", "@{", "input.", "ref", "/locate ", "*", "[", "{"];
const fragmentArbitrary = fc.oneof(
  fc.constantFrom(...SPECIAL_FRAGMENTS),
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.string({ unit: "grapheme", maxLength: 4 }),
);

type Mutation = { kind: "insert" | "replace"; at: number; text: string } | { kind: "delete"; at: number; length: number };

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fragmentArbitrary }),
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), text: fragmentArbitrary }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
);

function mutate(line: string, mutations: readonly Mutation[]): string {
  let result = line;
  for (const mutation of mutations) {
    const at = result.length === 0 ? 0 : mutation.at % (result.length + 1);
    if (mutation.kind === "delete") result = result.slice(0, at) + result.slice(at + mutation.length);
    else if (mutation.kind === "insert") result = result.slice(0, at) + mutation.text + result.slice(at);
    else result = result.slice(0, at) + mutation.text + result.slice(at + mutation.text.length);
  }
  return result;
}

const mutatedLineArbitrary = fc
  .tuple(validCommandArbitrary, fc.array(mutationArbitrary, { minLength: 1, maxLength: 6 }))
  .map(([command, mutations]) => mutate(command.line, mutations));

const randomLineArbitrary = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }).map((text) => `/locate ${text}`),
  fc.string({ unit: "grapheme", maxLength: 80 }).map((text) => `/locate ${text}`),
  fc.array(fragmentArbitrary, { maxLength: 12 }).map((parts) => `/locate ${parts.join("")}`),
  fc.string({ unit: "binary", maxLength: 80 }),
);

describe("parser properties", () => {
  it("parses every generated valid command to exactly what it says", () => {
    fc.assert(
      fc.property(validCommandArbitrary, ({ line, expected }) => {
        const parsed = parseCommandLine(line);
        expect(parsed).toEqual({ ok: true, line: line.trim(), command: expected });
        expect(parseCommands(`Some context\n\n${line}\n`)).toEqual([parsed]);
      }),
      { numRuns: 1_000 },
    );
  });

  it("never throws on mutated command lines, and every result is well formed", () => {
    fc.assert(
      fc.property(mutatedLineArbitrary, (line) => {
        assertWellFormed(parseCommandLine(line));
        for (const parsed of parseCommands(line)) assertWellFormed(parsed);
      }),
      { numRuns: 7_000 },
    );
  });

  it("never throws on random lines", () => {
    fc.assert(
      fc.property(randomLineArbitrary, (line) => {
        assertWellFormed(parseCommandLine(line));
        for (const parsed of parseCommands(line)) assertWellFormed(parsed);
      }),
      { numRuns: 3_000 },
    );
  });

  it("never throws on bodies mixing commands with markdown, and respects the command limit", () => {
    const blockArbitrary = fc.oneof(
      mutatedLineArbitrary,
      validCommandArbitrary.map((command) => command.line),
      fc.constantFrom("```", "~~~~", "> ", "<!--", "-->", "    ", "- ```", "<pre>", "</pre>", "", "text `code` text"),
      fc.string({ unit: "binary", maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(blockArbitrary, { maxLength: 30 }), fc.constantFrom("\n", "\r\n", "\r"), (blocks, newline) => {
        const parsed = parseCommands(blocks.join(newline));
        expect(parsed.length).toBeLessThanOrEqual(MAX_COMMANDS_PER_BODY + 1);
        for (const line of parsed) assertWellFormed(line);
      }),
      { numRuns: 1_500 },
    );
  });

  it("never throws on huge inputs", () => {
    const hugeArbitrary = fc
      .tuple(
        fc.constantFrom("/locate ", "/locate good v1 ", "/locate v1..v2 input.x=", '/locate v1..v2 input.x="', "/locate v1..", "/locate ", "`".repeat(3)),
        fc.constantFrom("a", "`", "\"", " ", "..", "<!--", "x ", "\u00e9", "\uD83D\uDE00", "`` ` "),
        fc.integer({ min: 10_000, max: 80_000 }),
      )
      .map(([prefix, unit, length]) => prefix + unit.repeat(Math.ceil(length / unit.length)));
    fc.assert(
      fc.property(hugeArbitrary, (text) => {
        assertWellFormed(parseCommandLine(text));
        for (const parsed of parseCommands(text)) assertWellFormed(parsed);
      }),
      { numRuns: 40 },
    );
  });
});
