// Turns Locate's GitHub-flavoured comment markdown into plain terminal text for the demo: no markers or tags, aligned tables, emoji kept.

export interface TerminalOptions {
  /** Bold headings and **strong** text with ANSI escapes (for a TTY). Default false. */
  readonly ansi?: boolean;
}

const BOLD = "\u001b[1m";
const RESET = "\u001b[0m";

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

// Backslash escapes are parked on private-use code points so that emphasis, links and table pipes ignore them.
const ESCAPE_BASE = 0xe000;
const ESCAPABLE = /\\([!-/:-@[-`{-~])/g;
const PARKED = /[\uE000-\uE07F]/g;

/** Converts one comment body; the result has no trailing blank lines and never two blank lines in a row. */
export function commentToTerminal(markdown: string, options: TerminalOptions = {}): string {
  const bold = (text: string) => (options.ansi ? `${BOLD}${text}${RESET}` : text);
  // HTML comments may span lines; the renderer's markers never do, but a hand-edited body might.
  const withoutComments = markdown.replace(/\r\n?/g, "\n").replace(/<!--[\s\S]*?-->/g, "");
  const lines = withoutComments.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isTableRow(line) && isTableRule(lines[i + 1])) {
      const rows = [line];
      let next = i + 2;
      while (next < lines.length && isTableRow(lines[next]!)) rows.push(lines[next++]!);
      out.push(...renderTable(rows, (cell) => inline(cell, bold)));
      i = next - 1;
      continue;
    }
    out.push(...block(line, bold));
  }
  return collapseBlankLines(out).join("\n");
}

/** One non-table line: headings, task and bullet lists, quotes, and the <details> wrapper. */
function block(line: string, bold: (text: string) => string): string[] {
  const trimmed = line.trimEnd();
  if (/^\s*<\/details>\s*$/.test(trimmed)) return [];
  const details = /^\s*<details>\s*(?:<summary>(.*?)<\/summary>)?\s*$/.exec(trimmed);
  if (details) return details[1] !== undefined ? [`▸ ${inline(details[1], bold)}`] : [];
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(trimmed);
  if (heading) return [bold(inline(heading[1] ?? "", bold))];
  const task = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+\[([ xX])\]\s?(.*)$/.exec(trimmed);
  if (task) return [`${task[1]}${task[2] === " " ? "☐" : "☑"} ${inline(task[3] ?? "", bold)}`];
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(trimmed);
  if (bullet) return [`${bullet[1]}• ${inline(bullet[2] ?? "", bold)}`];
  const quote = /^\s*>\s?(.*)$/.exec(trimmed);
  if (quote) return [`│ ${inline(quote[1] ?? "", bold)}`.trimEnd()];
  return [inline(trimmed, bold)];
}

/** Inline markdown and HTML to text: links keep their text, code loses its delimiters, entities are decoded. */
function inline(text: string, bold: (text: string) => string): string {
  let result = text.replace(ESCAPABLE, (_, character: string) => String.fromCharCode(ESCAPE_BASE + character.charCodeAt(0)));
  result = result
    .replace(/\[([^\]]*)\]\([^)\s]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/<code>([\s\S]*?)<\/code>/g, "$1")
    .replace(/<br\s*\/?>/g, " ")
    .replace(/<[a-zA-Z/][^>]*>/g, "")
    .replace(/\*\*(.+?)\*\*/g, (_, inner: string) => bold(inner))
    .replace(/(?<![\p{L}\p{N}_])_(?!\s)(.+?)(?<!\s)_(?![\p{L}\p{N}_])/gu, "$1")
    .replace(/~~(.+?)~~/g, "$1");
  result = result.replace(PARKED, (character) => String.fromCharCode(character.charCodeAt(0) - ESCAPE_BASE));
  // The renderer puts a zero-width joiner after @ and # so names cannot mention or link; on a terminal it is only noise.
  return decodeEntities(result).replace(/(?<=[@#])\u200D/g, "");
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, (whole, body: string) => {
    if (body.startsWith("#x") || body.startsWith("#X")) return safeCodePoint(parseInt(body.slice(2), 16)) ?? whole;
    if (body.startsWith("#")) return safeCodePoint(parseInt(body.slice(1), 10)) ?? whole;
    return ENTITIES[body] ?? whole;
  });
}

function safeCodePoint(value: number): string | undefined {
  return Number.isInteger(value) && value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : undefined;
}

function isTableRow(line: string | undefined): boolean {
  return line !== undefined && /^\s*\|.*\|\s*$/.test(line);
}

function isTableRule(line: string | undefined): boolean {
  return line !== undefined && /^\s*\|(?:\s*:?-{1,}:?\s*\|)+\s*$/.test(line);
}

/** Splits a row on pipes that are not escaped; the escaped ones stay for inline() to unescape. */
function tableCells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

function renderTable(rows: readonly string[], toText: (cell: string) => string): string[] {
  const cells = rows.map((row) => tableCells(row).map(toText));
  const columns = Math.max(...cells.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) => Math.max(0, ...cells.map((row) => displayWidth(row[column] ?? ""))));
  const [header, ...body] = cells;
  // Columns that are empty in every row (a Note column with no notes) only add spaces.
  const shown = widths.map((_, column) => column).filter((column) => column === 0 || body.some((row) => (row[column] ?? "").length > 0));
  const format = (row: readonly string[]) =>
    shown
      .map((column) => pad(row[column] ?? "", widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  const rule = shown.map((column) => "─".repeat(widths[column] ?? 0)).join("  ");
  return [format(header ?? []), rule, ...body.map(format)];
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * Columns a string takes on a typical terminal: emoji and East Asian wide characters take two, joiners, variation
 * selectors and combining marks none. An approximation (terminals disagree on some emoji), good enough to align tables.
 */
export function displayWidth(text: string): number {
  let width = 0;
  const codePoints = Array.from(text.replace(/\u001b\[[0-9;]*m/g, ""));
  for (let i = 0; i < codePoints.length; i++) {
    const character = codePoints[i]!;
    const next = codePoints[i + 1];
    if (/[\u200B-\u200D\uFE00-\uFE0F\p{Mn}\p{Me}]/u.test(character)) continue;
    // A pictograph followed by VS16 (U+FE0F) is drawn as a two-column emoji, e.g. ⚠️.
    if (/\p{Emoji_Presentation}/u.test(character) || (next === "\uFE0F" && /\p{Extended_Pictographic}/u.test(character))) width += 2;
    else if (isWide(character.codePointAt(0) ?? 0)) width += 2;
    else width += 1;
  }
  return width;
}

function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  );
}

function collapseBlankLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const blank = line.trim().length === 0;
    if (blank && (out.length === 0 || out[out.length - 1] === "")) continue;
    out.push(blank ? "" : line);
  }
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}
