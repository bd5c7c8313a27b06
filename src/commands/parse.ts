// Pure parser from comment bodies to commands or friendly errors; never throws, whatever the input.

import picomatch from "picomatch";
import { distance } from "fastest-levenshtein";
import type { Command, ParsedLine, StartOptions } from "./types.js";
import type { CommandSpec } from "./registry.js";
import {
  COMMAND_PREFIX,
  START_OPTIONS,
  commandByKeyword,
  commandKeywords,
  commandSpec,
  startOptionsUsage,
} from "./registry.js";
import { findCommandLines } from "./markdown-lines.js";
import { CONFIDENCE, FLAKE_RATE, type RetiredSetting, asPercent, retiredStartOption } from "../config/search-settings.js";
import { REPRO_INPUT_NAMES, REPRO_SOURCES, type ReproSource } from "./repro.js";
import type { FoundCommandLine } from "./markdown-lines.js";

export { MAX_BODY_CHARS } from "./markdown-lines.js";
export const MAX_COMMANDS_PER_BODY = 10;
export const MAX_NOTE_CHARS = 500;
export const MAX_TAG_CHARS = 255;
export const MAX_FILTER_CHARS = 200;
export const MIN_PARALLEL = 1;
export const MAX_PARALLEL = 10;
/** Inputs Locate sends on every dispatch (DESIGN §4); users may not set them. */
export const RESERVED_INPUT_NAMES: readonly string[] = ["ref", "tag", "locate_id"];
/** GitHub's limits on `workflow_dispatch` inputs: properties per dispatch, and characters of their JSON. */
export const MAX_WORKFLOW_INPUTS = 25;
export const MAX_USER_INPUTS = MAX_WORKFLOW_INPUTS - RESERVED_INPUT_NAMES.length;
export const MAX_INPUTS_JSON_CHARS = 65_535;
export const MAX_INPUT_NAME_CHARS = 100;
const MAX_LOCATE_ID_CHARS = 64;

const SHA_PATTERN = /^[0-9a-fA-F]{7,40}$/;
const INPUT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const WORKFLOW_FILE_PATTERN = /^[A-Za-z0-9._-]+\.ya?ml$/;
const WORKFLOW_ID_PATTERN = /^[1-9][0-9]{0,19}$/;
const MAX_WORKFLOW_FILE_CHARS = 255;
const FORBIDDEN_REF_CHARS = ["~", "^", ":", "?", "*", "[", "\\"];
// Control characters and bidirectional overrides could hide or disguise text echoed back in a reply.
const UNSAFE_ECHO_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
// Text Postgres and GitHub cannot take as is: NUL and other C0 controls except tab, DEL, and lone UTF-16 surrogates.
const UNSTORABLE_CHAR = /[\u0000-\u0008\u000a-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_CHARS = new RegExp(UNSTORABLE_CHAR.source, "g");
const MAX_ECHO_CHARS = 80;
const MAX_SUGGESTION_WORD_CHARS = 40;
const INPUT_PREFIX = "input.";

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown helpers for error messages

/** User text as an inline code span that cannot break out of itself, whatever backticks it holds. */
function code(text: string): string {
  const head = text.slice(0, MAX_ECHO_CHARS * 2);
  const chars = Array.from(head.replace(UNSTORABLE_CHARS, "\uFFFD").replace(UNSAFE_ECHO_CHARS, "\uFFFD"));
  const shown = chars.length > MAX_ECHO_CHARS ? `${chars.slice(0, MAX_ECHO_CHARS - 1).join("")}…` : chars.join("");
  const longestRun = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const padding = shown.startsWith("`") || shown.endsWith("`") || shown === "" ? " " : "";
  return `${fence}${padding}${shown}${padding}${fence}`;
}

function usageOf(spec: CommandSpec): string {
  const example = spec.examples[0];
  const shownExample = example !== undefined && example !== spec.usage ? `, for example \`${example}\`` : "";
  return `Usage: \`${spec.usage}\`${shownExample}.`;
}

function startUsage(): string {
  return `${usageOf(commandSpec("start"))} Options: ${startOptionsUsage()}.`;
}

function optionUsage(name: string): string {
  const option = START_OPTIONS.find((entry) => entry.name === name);
  return option ? `Write it as \`${option.usage}\`.` : startUsage();
}

// ---------------------------------------------------------------------------------------------------------------
// Names

function hasUnstorableChars(text: string): boolean {
  return UNSTORABLE_CHAR.test(text);
}

/** Why `name` is not a valid git tag name (git check-ref-format rules for `refs/tags/<name>`), as markdown, or null when it is. */
export function tagNameProblem(name: string): string | null {
  if (name === "") return "it is empty";
  if (name.length > MAX_TAG_CHARS) return `it is longer than ${MAX_TAG_CHARS} characters`;
  if (/[\u0000-\u0020\u007f]/.test(name)) return "it contains a space or a control character";
  if (hasUnstorableChars(name)) return "it contains a character that is not valid text";
  const forbidden = FORBIDDEN_REF_CHARS.find((char) => name.includes(char));
  if (forbidden !== undefined) return `it contains ${code(forbidden)}`;
  if (name.includes("..")) return `it contains ${code("..")}`;
  if (name.includes("@{")) return `it contains ${code("@{")}`;
  if (name === "@") return `${code("@")} alone is not a name`;
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) {
    return `it has an empty part (a leading, trailing or doubled ${code("/")})`;
  }
  if (name.endsWith(".")) return `it ends with ${code(".")}`;
  const parts = name.split("/");
  if (parts.some((part) => part.startsWith("."))) return `a part of it starts with ${code(".")}`;
  if (parts.some((part) => part.endsWith(".lock"))) return `a part of it ends with ${code(".lock")}`;
  return null;
}

/** True for a valid tag name or a 7–40 hex commit SHA (commit mode). */
export function isValidTagOrSha(name: string): boolean {
  return SHA_PATTERN.test(name) || tagNameProblem(name) === null;
}

/** `\`v1.2.0\`` → `v1.2.0`: people format tags as code, and no real tag starts and ends with backticks. */
function unwrapCodeSpan(word: string): string {
  const wrapped = /^(`+)([^`]+)\1$/.exec(word);
  return wrapped?.[2] ?? word;
}

function parseTag(name: string, spec: CommandSpec): Parsed<string> {
  if (SHA_PATTERN.test(name)) return { ok: true, value: name };
  const problem = tagNameProblem(name);
  if (problem === null) return { ok: true, value: name };
  return fail(`${code(name)} is not a valid tag name: ${problem}. ${usageOf(spec)}`);
}

/** The candidate closest to `word` when it is close enough to be a likely typo, else undefined. */
function closestName(word: string, candidates: readonly string[]): string | undefined {
  if (word.length === 0 || word.length > MAX_SUGGESTION_WORD_CHARS) return undefined;
  const typed = word.toLowerCase();
  const prefixMatches = typed.length >= 3 ? candidates.filter((name) => name.startsWith(typed)) : [];
  if (prefixMatches.length === 1) return prefixMatches[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of candidates) {
    const candidateDistance = distance(typed, name.toLowerCase());
    if (candidateDistance < bestDistance) {
      best = name;
      bestDistance = candidateDistance;
    }
  }
  const tolerance = typed.length <= 3 ? 1 : 2;
  return bestDistance <= tolerance ? best : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

/**
 * Splits on whitespace; double quotes group text with spaces, and a backslash escapes a quote or a backslash inside
 * them. Curly quotes count as double quotes, in any pairing, because phones and some keyboards type them.
 */
function tokenize(text: string): Parsed<string[]> {
  const isQuote = (char: string | undefined): boolean => char === '"' || char === "\u201c" || char === "\u201d";
  const tokens: string[] = [];
  let current = "";
  let inToken = false;
  let inQuotes = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? "";
    if (inQuotes) {
      const next = text[index + 1];
      if (char === "\\" && (isQuote(next) || next === "\\")) {
        current += next;
        index += 1;
      } else if (isQuote(char)) {
        inQuotes = false;
      } else {
        current += char;
      }
      continue;
    }
    if (isQuote(char)) {
      inQuotes = true;
      inToken = true;
    } else if (/\s/.test(char)) {
      if (inToken) tokens.push(current);
      current = "";
      inToken = false;
    } else {
      current += char;
      inToken = true;
    }
  }
  if (inQuotes) return fail(`A quote is not closed in ${code(text.trim())}.`);
  if (inToken) tokens.push(current);
  return { ok: true, value: tokens };
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== "");
}

// ---------------------------------------------------------------------------------------------------------------
// Start: range and options

function parseRange(rangeToken: string, nextToken: string | undefined): Parsed<{ good: string; bad: string }> {
  const start = commandSpec("start");
  const token = unwrapCodeSpan(rangeToken);
  if (token.includes("...")) {
    const fixed = token.replace(/\.{3,}/, "..");
    return fail(`${code(token)} has three dots; a range uses two: ${code(`${COMMAND_PREFIX} ${fixed}`)}. ${usageOf(start)}`);
  }
  const separator = token.indexOf("..");
  if (separator < 0) return fail(`A hunt starts with a range of two versions joined by ${code("..")}. ${usageOf(start)}`);
  const good = unwrapCodeSpan(token.slice(0, separator));
  const bad = unwrapCodeSpan(token.slice(separator + 2));
  const nextIsOption =
    nextToken === undefined || nextToken.includes("=") || FLAG_OPTIONS.has(nextToken) || retiredStartOption(nextToken) !== undefined;
  const spacedBad = bad === "" && !nextIsOption ? nextToken : undefined;
  if (spacedBad !== undefined && good !== "") {
    return fail(`Write the range without spaces: ${code(`${COMMAND_PREFIX} ${good}..${spacedBad}`)}. ${usageOf(start)}`);
  }
  if (good === "") return fail(`The range ${code(token)} has no good tag before ${code("..")}. ${usageOf(start)}`);
  if (bad === "") return fail(`The range ${code(token)} has no bad tag after ${code("..")}. ${usageOf(start)}`);
  if (bad.includes("..")) return fail(`The range ${code(token)} has more than one ${code("..")}. ${usageOf(start)}`);
  const goodTag = parseTag(good, start);
  if (!goodTag.ok) return goodTag;
  const badTag = parseTag(bad, start);
  if (!badTag.ok) return badTag;
  if (good === bad) {
    return fail(`The good and the bad version are both ${code(good)}; give two different versions. ${usageOf(start)}`);
  }
  return { ok: true, value: { good, bad } };
}

/** The largest JSON GitHub could receive: user inputs plus the reserved ones at their longest. */
function inputsJsonLength(inputs: Readonly<Record<string, string>>): number {
  const reservedAtLongest = {
    ref: "0".repeat(40),
    tag: "x".repeat(MAX_TAG_CHARS),
    locate_id: "x".repeat(MAX_LOCATE_ID_CHARS),
  };
  return JSON.stringify({ ...reservedAtLongest, ...inputs }).length;
}

/**
 * Why a set of user workflow inputs exceeds GitHub's dispatch limits once Locate's reserved inputs are added,
 * or null when it fits. Exported so configured inputs merged with command inputs can be checked the same way.
 */
export function workflowInputsProblem(inputs: Readonly<Record<string, string>>): string | null {
  const count = Object.keys(inputs).length;
  if (count > MAX_USER_INPUTS) {
    return (
      `Too many workflow inputs: ${count}. GitHub accepts ${MAX_WORKFLOW_INPUTS} per run and Locate always sends ` +
      `${RESERVED_INPUT_NAMES.map((name) => `\`${name}\``).join(", ")}, so at most ${MAX_USER_INPUTS} are left.`
    );
  }
  const jsonLength = inputsJsonLength(inputs);
  if (jsonLength > MAX_INPUTS_JSON_CHARS) {
    return `The workflow inputs are too long: ${jsonLength} characters as JSON, and GitHub accepts at most ${MAX_INPUTS_JSON_CHARS}.`;
  }
  return null;
}

function parseInputName(name: string, key: string): Parsed<string> {
  const shape = `Input names start with a letter or ${code("_")} and contain only letters, digits, ${code("-")} and ${code("_")}.`;
  if (name === "") return fail(`The option ${code(key)} has no input name after ${code(INPUT_PREFIX)}. ${optionUsage("input.<name>")}`);
  if (name.length > MAX_INPUT_NAME_CHARS) {
    return fail(`The input name ${code(name)} is longer than ${MAX_INPUT_NAME_CHARS} characters.`);
  }
  if (!INPUT_NAME_PATTERN.test(name)) {
    return fail(`${code(name)} is not a valid workflow input name. ${shape}`);
  }
  if (RESERVED_INPUT_NAMES.includes(name.toLowerCase())) {
    return fail(
      `The input ${code(name)} is reserved: Locate sets ${RESERVED_INPUT_NAMES.map((reserved) => code(reserved)).join(", ")} itself on every run.`,
    );
  }
  if (REPRO_INPUT_NAMES.includes(name.toLowerCase())) {
    return fail(`The input ${code(name)} is reserved: Locate sets it from the reproduction's code block. ${optionUsage("repro")}`);
  }
  // As an object key `__proto__` would be swallowed by the prototype setter and silently vanish.
  if (name === "__proto__") return fail(`${code(name)} cannot be used as a workflow input name.`);
  return { ok: true, value: name };
}

function parseBoolean(value: string, key: string): Parsed<boolean> {
  const lowered = value.toLowerCase();
  if (lowered === "true") return { ok: true, value: true };
  if (lowered === "false") return { ok: true, value: false };
  return fail(`The option ${code(key)} is ${code("true")} or ${code("false")}, not ${code(value)}. ${optionUsage(key)}`);
}

/** Options that may be written bare, meaning `=true`. */
const FLAG_OPTIONS: ReadonlySet<string> = new Set(["auto"]);

/** A probability as a decimal (`0.99`, `.99`) or a percentage (`99%`, `99.9%`). */
const PROBABILITY_PATTERN = /^([0-9]{1,3}(?:\.[0-9]{1,8})?|\.[0-9]{1,8})(%?)$/;

/**
 * `confidence=` and `flake-rate=`: a number in `range`, written as a probability or a percentage. Scaling a
 * percentage by its exponent (`99.99e-2`) rather than dividing keeps `99.99%` equal to `0.9999`, the bound.
 */
function parseProbability(key: string, value: string, range: { readonly min: number; readonly max: number }, what: string): Parsed<number> {
  const match = PROBABILITY_PATTERN.exec(value);
  const digits = match?.[1] ?? "";
  const isPercent = match?.[2] === "%";
  const probability = match ? Number(isPercent ? `${digits}e-2` : digits) : Number.NaN;
  if (probability >= range.min && probability <= range.max) return { ok: true, value: probability };
  // `flake-rate=10` is no probability, but very likely 10 % without its sign.
  const asPercentage = match && !isPercent && probability >= 1 ? Number(`${digits}e-2`) : Number.NaN;
  const hint = asPercentage >= range.min && asPercentage <= range.max ? ` Did you mean ${code(`${key}=${value}%`)}?` : "";
  return fail(
    `${code(`${key}=${value}`)} is not allowed: ${what} is a number from ${range.min} to ${range.max}, or a percentage from ${asPercent(range.min)} to ${asPercent(range.max)}.${hint} ${optionUsage(key)}`,
  );
}

/** An option of the old verdict machinery: say what replaced it rather than calling it unknown. */
function retiredOptionError(name: string, retired: RetiredSetting): string {
  return `The option ${code(name)} is no longer used: ${retired.why}. ${retired.instead} ${startUsage()}`;
}

function parseParallel(value: string): Parsed<number> {
  const outOfRange = `${code(`parallel=${value}`)} is not allowed: runs per round are a whole number from ${MIN_PARALLEL} to ${MAX_PARALLEL}. ${optionUsage("parallel")}`;
  if (!/^[0-9]{1,3}$/.test(value)) return fail(outOfRange);
  const parallel = Number(value);
  return parallel >= MIN_PARALLEL && parallel <= MAX_PARALLEL ? { ok: true, value: parallel } : fail(outOfRange);
}

function parseWorkflow(value: string): Parsed<string> {
  const isFileName = WORKFLOW_FILE_PATTERN.test(value) && value.length <= MAX_WORKFLOW_FILE_CHARS;
  if (isFileName || WORKFLOW_ID_PATTERN.test(value)) return { ok: true, value };
  const fileName = value.split("/").pop() ?? "";
  if (value.includes("/") && WORKFLOW_FILE_PATTERN.test(fileName)) {
    return fail(`Give the workflow by its file name only, without the folder: ${code(`workflow=${fileName}`)}.`);
  }
  return fail(
    `${code(value)} is not a workflow: give a file name in ${code(".github/workflows/")} such as ${code("locate.yml")}, or the workflow's numeric id. ${optionUsage("workflow")}`,
  );
}

function parseFilter(value: string): Parsed<string> {
  if (hasUnstorableChars(value)) return fail(`The filter contains a control character or broken text. ${optionUsage("filter")}`);
  if (value.length > MAX_FILTER_CHARS) {
    return fail(`The filter is longer than ${MAX_FILTER_CHARS} characters. ${optionUsage("filter")}`);
  }
  try {
    // strictBrackets and debug make picomatch report what it would otherwise silently turn into a never-matching pattern.
    picomatch.makeRe(value, { strictBrackets: true, debug: true });
    return { ok: true, value };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] ?? "" : "";
    const shownReason = reason === "" ? "" : ` (${code(reason)})`;
    return fail(`The filter ${code(value)} is not a valid glob${shownReason}. ${optionUsage("filter")}`);
  }
}

function unknownOptionError(token: string, key: string): string {
  const bareKey = key.replace(/^-+/, "");
  const plainOptionNames = START_OPTIONS.map((option) => option.name).filter((name) => name !== "input.<name>");
  const inputLike = /^inputs?[._:-](.+)$/i.exec(bareKey);
  let hint = "";
  if (bareKey !== key && (bareKey.startsWith(INPUT_PREFIX) || plainOptionNames.includes(bareKey))) {
    hint = ` Write options without dashes: ${code(token.replace(/^-+/, ""))}.`;
  } else if (inputLike) {
    hint = ` Did you mean ${code(`${INPUT_PREFIX}${inputLike[1] ?? ""}`)}?`;
  } else if (/^inputs?$/i.test(bareKey)) {
    hint = ` Name the input after a dot: ${code("input.<name>=<value>")}.`;
  } else {
    const suggestion = closestName(bareKey, plainOptionNames);
    if (suggestion !== undefined) hint = ` Did you mean ${code(suggestion)}?`;
  }
  return `Unknown option ${code(token)}.${hint} ${startUsage()}`;
}

function parseOptions(tokens: readonly string[]): Parsed<StartOptions> {
  const options: StartOptions = { inputs: {} };
  const seen = new Set<string>();
  for (const token of tokens) {
    const equals = token.indexOf("=");
    const key = equals < 0 ? token : token.slice(0, equals);
    const value = equals < 0 ? null : token.slice(equals + 1);
    if (key === "") {
      return fail(`${code(token)} has no option name; write options as ${code("key=value")} with no spaces around ${code("=")}. ${startUsage()}`);
    }
    const retired = retiredStartOption(key.replace(/^-+/, ""));
    if (retired) return fail(retiredOptionError(key.replace(/^-+/, ""), retired));
    const isInput = key.startsWith(INPUT_PREFIX);
    const seenKey = isInput ? `${INPUT_PREFIX}${key.slice(INPUT_PREFIX.length).toLowerCase()}` : key;
    const known = isInput || START_OPTIONS.some((option) => option.name === key);
    if (!known) return fail(unknownOptionError(token, key));
    if (seen.has(seenKey)) return fail(`The option ${code(key)} is given twice; give it once.`);
    seen.add(seenKey);

    if (key === "auto") {
      if (value === null && !FLAG_OPTIONS.has(key)) {
        return fail(`The option ${code(key)} needs a value, ${code("true")} or ${code("false")}. ${optionUsage(key)}`);
      }
      const flag = value === null ? { ok: true as const, value: true } : parseBoolean(value, key);
      if (!flag.ok) return flag;
      options[key] = flag.value;
      continue;
    }
    if (value === null || (value === "" && !isInput)) {
      return fail(`The option ${code(key)} needs a value, with no spaces around ${code("=")}. ${optionUsage(isInput ? "input.<name>" : key)}`);
    }
    if (isInput) {
      const name = parseInputName(key.slice(INPUT_PREFIX.length), key);
      if (!name.ok) return name;
      if (hasUnstorableChars(value)) return fail(`The value of the input ${code(name.value)} contains a control character or broken text.`);
      options.inputs[name.value] = value;
    } else if (key === "workflow") {
      const workflow = parseWorkflow(value);
      if (!workflow.ok) return workflow;
      options.workflow = workflow.value;
    } else if (key === "confidence") {
      const confidence = parseProbability(key, value, CONFIDENCE, "confidence");
      if (!confidence.ok) return confidence;
      options.confidence = confidence.value;
    } else if (key === "flake-rate") {
      const flakeRate = parseProbability(key, value, FLAKE_RATE, "the flake rate");
      if (!flakeRate.ok) return flakeRate;
      options.flakeRate = flakeRate.value;
    } else if (key === "parallel") {
      const parallel = parseParallel(value);
      if (!parallel.ok) return parallel;
      options.parallel = parallel.value;
    } else if (key === "repro") {
      if (!REPRO_SOURCES.includes(value as ReproSource)) {
        return fail(`${code(`repro=${value}`)} is not allowed: the reproduction comes from ${REPRO_SOURCES.map((source) => code(source)).join(", ")}. ${optionUsage("repro")}`);
      }
      options.repro = value as ReproSource;
    } else if (key === "filter") {
      const filter = parseFilter(value);
      if (!filter.ok) return filter;
      options.filter = filter.value;
    }
  }
  const inputsProblem = workflowInputsProblem(options.inputs);
  if (inputsProblem !== null) return fail(inputsProblem);
  return { ok: true, value: options };
}

function parseStart(argumentText: string): Parsed<Command> {
  const tokens = tokenize(argumentText);
  if (!tokens.ok) return fail(`${tokens.error} ${startUsage()}`);
  const [rangeToken = "", ...optionTokens] = tokens.value;
  const range = parseRange(rangeToken, optionTokens[0]);
  if (!range.ok) return range;
  const options = parseOptions(optionTokens);
  if (!options.ok) return options;
  return { ok: true, value: { kind: "start", good: range.value.good, bad: range.value.bad, options: options.value } };
}

// ---------------------------------------------------------------------------------------------------------------
// Keyword commands

function commandList(): string {
  return commandKeywords()
    .map((keyword) => code(keyword))
    .join(", ");
}

function unknownCommandError(argumentWords: readonly string[]): string {
  const [word = "", second] = argumentWords;
  const seeHelp = `See ${code(`${COMMAND_PREFIX} help`)} for every command.`;
  const suggestion = closestName(word, commandKeywords());
  if (suggestion !== undefined) {
    return `Unknown command ${code(word)}. Did you mean ${code(`${COMMAND_PREFIX} ${suggestion}`)}? ${seeHelp}`;
  }
  const start = commandSpec("start");
  if (second !== undefined && second.includes("..") && !second.startsWith("..")) {
    return `Unknown command ${code(word)}. To start a hunt, write the range right after ${code(COMMAND_PREFIX)}: ${code(`${COMMAND_PREFIX} ${argumentWords.slice(1).join(" ")}`)}. ${usageOf(start)}`;
  }
  const looksLikeVersion = (text: string | undefined): text is string =>
    text !== undefined && /[0-9]/.test(text) && isValidTagOrSha(text.replace(/^\.\./, ""));
  if (second === ".." && looksLikeVersion(word) && looksLikeVersion(argumentWords[2])) {
    return `Write the range without spaces: ${code(`${COMMAND_PREFIX} ${word}..${argumentWords[2]}`)}. ${usageOf(start)}`;
  }
  if (second !== undefined && second.startsWith("..") && second !== ".." && looksLikeVersion(word)) {
    return `Write the range without spaces: ${code(`${COMMAND_PREFIX} ${word}${second}`)}. ${usageOf(start)}`;
  }
  if (looksLikeVersion(word) && looksLikeVersion(second)) {
    return `Unknown command ${code(word)}. To start a hunt, join the good and the bad version with ${code("..")}: ${code(`${COMMAND_PREFIX} ${word}..${second}`)}. ${usageOf(start)}`;
  }
  if (looksLikeVersion(word)) {
    return `Unknown command ${code(word)}. To start a hunt, give a range: ${code(`${COMMAND_PREFIX} ${word}..<bad>`)}. ${usageOf(start)}`;
  }
  return `Unknown command ${code(word)}. The commands are ${commandList()}, and ${code(start.usage)} starts a hunt. ${seeHelp}`;
}

function parseVerdictOrRetry(spec: CommandSpec, argumentText: string): Parsed<Command> {
  const [tagWord] = words(argumentText);
  if (tagWord === undefined) return fail(`${code(`${COMMAND_PREFIX} ${spec.name}`)} needs a tag. ${usageOf(spec)}`);
  const tag = parseTag(unwrapCodeSpan(tagWord), spec);
  if (!tag.ok) return tag;
  const afterTag = argumentText.trimStart().slice(tagWord.length).trim();
  if (spec.kind === "retry") {
    if (afterTag !== "") {
      return fail(`${code(`${COMMAND_PREFIX} retry`)} takes one tag, but got more: ${code(afterTag)}. ${usageOf(spec)}`);
    }
    return { ok: true, value: { kind: "retry", tag: tag.value } };
  }
  if (afterTag.length > MAX_NOTE_CHARS) {
    return fail(`The note is too long: ${afterTag.length} characters, at most ${MAX_NOTE_CHARS}. ${usageOf(spec)}`);
  }
  // Notes are only shown, so unstorable characters are replaced rather than refused.
  const note = afterTag.replace(UNSTORABLE_CHARS, "\uFFFD");
  const verdict = spec.name === "good" || spec.name === "bad" ? spec.name : "skip";
  return { ok: true, value: { kind: "verdict", verdict, tag: tag.value, note: note === "" ? null : note } };
}

function parseKeywordCommand(spec: CommandSpec, argumentText: string): Parsed<Command> {
  switch (spec.kind) {
    case "verdict":
    case "retry":
      return parseVerdictOrRetry(spec, argumentText);
    case "help":
      // Extra words after help (`/locate help start`) still deserve the help, not an error.
      return { ok: true, value: { kind: "help" } };
    case "status":
    case "auto":
    case "manual":
    case "pause":
    case "resume":
    case "cancel":
    case "commits": {
      const extra = argumentText.trim();
      if (extra !== "") {
        const rangeFirst = spec.kind === "auto" && (words(extra)[0] ?? "").includes("..");
        const optionHint = rangeFirst
          ? ` To start a hunt in auto-pilot, put the range first: ${code(`${COMMAND_PREFIX} ${extra} auto`)}.`
          : extra.includes("=")
            ? " Options such as `parallel=` can only be given when starting a hunt."
            : "";
        return fail(`${code(spec.usage)} takes no arguments, but got ${code(extra)}.${optionHint} ${usageOf(spec)}`);
      }
      return { ok: true, value: { kind: spec.kind } };
    }
    case "start":
      return parseStart(argumentText);
  }
}

function parseCommandText(text: string): Parsed<Command> {
  const trimmed = text.trim();
  if (!trimmed.startsWith(COMMAND_PREFIX) || /^\S/.test(trimmed.slice(COMMAND_PREFIX.length))) {
    return fail(`Commands start with ${code(COMMAND_PREFIX)} followed by a space. See ${code(`${COMMAND_PREFIX} help`)}.`);
  }
  const argumentText = trimmed.slice(COMMAND_PREFIX.length);
  const argumentWords = words(argumentText);
  const [first] = argumentWords;
  if (first === undefined) {
    return fail(
      `${code(COMMAND_PREFIX)} needs a command: ${code(commandSpec("start").usage)} starts a hunt, and the others are ${commandList()}. See ${code(`${COMMAND_PREFIX} help`)} for details.`,
    );
  }
  const spec = commandByKeyword(first);
  if (spec) return parseKeywordCommand(spec, argumentText.trimStart().slice(first.length));
  if (first.includes("..")) return parseStart(argumentText);
  return fail(unknownCommandError(argumentWords));
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

function toParsedLine(line: string, text: string): ParsedLine {
  try {
    const parsed = parseCommandText(text);
    return parsed.ok ? { ok: true, line, command: parsed.value } : { ok: false, line, error: parsed.error };
  } catch {
    // Unreachable by design (the fuzz test checks it); a command must never take the webhook handler down.
    return { ok: false, line, error: INTERNAL_PARSE_ERROR };
  }
}

/** The error returned if parsing ever failed unexpectedly; tests assert it never appears. */
export const INTERNAL_PARSE_ERROR = "Sorry, Locate could not read this command. See `/locate help`.";

/** Parses one command line (`/locate …`), as written; HTML comments on it are ignored. */
export function parseCommandLine(line: string): ParsedLine {
  const raw = typeof line === "string" ? line.trim() : "";
  const found = findCommandLines(raw)[0];
  return found ? toParsedLine(found.raw, found.visible) : toParsedLine(raw, raw);
}

function parseFound(lines: readonly FoundCommandLine[]): ParsedLine[] {
  const parsed = lines.slice(0, MAX_COMMANDS_PER_BODY).map((found) => toParsedLine(found.raw, found.visible));
  const firstIgnored = lines[MAX_COMMANDS_PER_BODY];
  if (firstIgnored !== undefined) {
    const ignored = lines.length - MAX_COMMANDS_PER_BODY;
    parsed.push({
      ok: false,
      line: firstIgnored.raw,
      error: `Only the first ${MAX_COMMANDS_PER_BODY} commands of a comment are run; the other ${ignored} ${ignored === 1 ? "was" : "were"} ignored. Post them in a new comment.`,
    });
  }
  return parsed;
}

/**
 * The commands in a comment or issue body, in order: one entry per command line (at most 10, then one error for
 * the rest). Lines in code blocks, block quotes and HTML comments are not commands.
 */
export function parseCommands(body: string): ParsedLine[] {
  return parseFound(findCommandLines(body));
}

/** For an edited comment: the command lines of `body` that were not already command lines of `previousBody` (as a multiset). */
export function newCommandLines(previousBody: string, body: string): ParsedLine[] {
  const earlier = new Map<string, number>();
  for (const found of findCommandLines(previousBody)) earlier.set(found.raw, (earlier.get(found.raw) ?? 0) + 1);
  const fresh = findCommandLines(body).filter((found) => {
    const remaining = earlier.get(found.raw) ?? 0;
    if (remaining === 0) return true;
    earlier.set(found.raw, remaining - 1);
    return false;
  });
  return parseFound(fresh);
}
