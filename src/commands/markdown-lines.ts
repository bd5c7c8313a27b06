// Finds the `/locate` command lines a reader would see as text in a GitHub markdown body (not code, quotes or HTML comments).

export const MAX_BODY_CHARS = 65_536;

/** A command line as found in a body: `raw` identifies it (trimmed source line), `visible` is what to parse (HTML comments removed). */
export interface FoundCommandLine {
  readonly raw: string;
  readonly visible: string;
}

interface OpenFence {
  readonly char: "`" | "~";
  readonly length: number;
  /** Content column of the list item the fence was opened in, or 0 for a fence outside lists. */
  readonly listContentColumn: number;
}

const LINE_BREAK = /\r\n|\r|\n/;
const COMMAND_START = /^\/locate(?=\s|$)/;
const FENCE_MARKER = /^(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSER = /^(`{3,}|~{3,})[ \t]*$/;
const LIST_MARKER = /^(?:[-+*]|\d{1,9}[.)]) {1,4}(?=\S)/;
// CommonMark HTML block type 1: its content is raw text until the closing tag, blank lines included.
const RAW_HTML_OPEN = /^<(?:pre|script|style|textarea)(?=[\s>]|$)/i;
const RAW_HTML_CLOSE = /<\/(?:pre|script|style|textarea)>/i;
const MAX_NESTED_LIST_MARKERS = 10;

/** Cuts a body to its first MAX_BODY_CHARS, dropping a line cut in two so a half command never runs. */
function boundedBody(body: string): string {
  const withoutBom = body.startsWith("\uFEFF") ? body.slice(1) : body;
  if (withoutBom.length <= MAX_BODY_CHARS) return withoutBom;
  const head = withoutBom.slice(0, MAX_BODY_CHARS);
  const nextChar = withoutBom[MAX_BODY_CHARS];
  if (nextChar === "\n" || nextChar === "\r") return head;
  const lastBreak = Math.max(head.lastIndexOf("\n"), head.lastIndexOf("\r"));
  return lastBreak < 0 ? "" : head.slice(0, lastBreak);
}

/** Leading indentation in columns (tabs advance to the next multiple of 4, as in CommonMark) and the text after it. */
function splitIndent(line: string): { columns: number; rest: string } {
  let columns = 0;
  let index = 0;
  while (index < line.length) {
    const char = line[index];
    if (char === " ") columns += 1;
    else if (char === "\t") columns += 4 - (columns % 4);
    else break;
    index += 1;
  }
  return { columns, rest: line.slice(index) };
}

function fenceOpening(line: string): OpenFence | null {
  const { columns, rest: afterIndent } = splitIndent(line);
  if (columns > 3) return null;
  let rest = afterIndent;
  let contentColumn = columns;
  let inListItem = false;
  // A fence may open on the same line as one or more list markers (`- ```` or `1. - ````).
  for (let depth = 0; depth < MAX_NESTED_LIST_MARKERS; depth += 1) {
    const marker = LIST_MARKER.exec(rest);
    if (!marker) break;
    contentColumn += marker[0].length;
    rest = rest.slice(marker[0].length);
    inListItem = true;
  }
  const fence = FENCE_MARKER.exec(rest);
  if (!fence) return null;
  const marker = fence[1] ?? "";
  const info = fence[2] ?? "";
  // A backtick line whose info string has a backtick is inline code, not a fence.
  if (marker.startsWith("`") && info.includes("`")) return null;
  return {
    char: marker.startsWith("`") ? "`" : "~",
    length: marker.length,
    listContentColumn: inListItem ? contentColumn : 0,
  };
}

function closesFence(line: string, fence: OpenFence): boolean {
  const { columns, rest } = splitIndent(line);
  if (columns > fence.listContentColumn + 3) return false;
  const closer = FENCE_CLOSER.exec(rest);
  const marker = closer?.[1];
  return marker !== undefined && marker.startsWith(fence.char) && marker.length >= fence.length;
}

/** A fence inside a list item ends with the item, at the first non-blank line indented less than the item's content. */
function leavesListItem(line: string, fence: OpenFence): boolean {
  if (fence.listContentColumn === 0 || line.trim() === "") return false;
  return splitIndent(line).columns < fence.listContentColumn;
}

/**
 * For every backtick run on a line, keyed by its start: where the run ends, and where the code span it opens ends
 * (-1 when no later run of the same length closes it). Computed in one pass so lines full of backticks stay linear.
 */
function codeSpans(line: string): Map<number, { runEnd: number; spanEnd: number }> {
  const runs: Array<{ start: number; end: number }> = [];
  for (let index = line.indexOf("`"); index >= 0; index = line.indexOf("`", index)) {
    const start = index;
    while (line[index] === "`") index += 1;
    runs.push({ start, end: index });
  }
  const spans = new Map<number, { runEnd: number; spanEnd: number }>();
  const nextRunEndByLength = new Map<number, number>();
  for (let runIndex = runs.length - 1; runIndex >= 0; runIndex -= 1) {
    const run = runs[runIndex];
    if (run === undefined) continue;
    const length = run.end - run.start;
    spans.set(run.start, { runEnd: run.end, spanEnd: nextRunEndByLength.get(length) ?? -1 });
    nextRunEndByLength.set(length, run.end);
  }
  return spans;
}

/**
 * Removes HTML comments from one line. `closesLater` says whether a `-->` follows in later lines of the same
 * paragraph: an inline `<!--` with no closer in its paragraph is literal text, while one that starts the line
 * opens an HTML block that runs to its `-->` whatever comes between. `<!--` inside a code span is literal.
 */
export function scanHtmlComments(
  line: string,
  startsInComment: boolean,
  closesLater: boolean,
): { visible: string; endsInComment: boolean } {
  let visible = "";
  let index = 0;
  if (startsInComment) {
    const end = line.indexOf("-->");
    if (end < 0) return { visible, endsInComment: true };
    index = end + 3;
  }
  const blockStart = line.length - line.trimStart().length;
  // Once no `-->` follows some point, none follows any later point: remembering that keeps a line of many `<!--` linear.
  let closerMissing = false;
  const spans = line.includes("`") ? codeSpans(line) : null;
  while (index < line.length) {
    const char = line[index];
    if (char === "`") {
      // The scan only ever stops at the start of a run, so the lookup always succeeds.
      const span = spans?.get(index);
      const stop = span === undefined ? index + 1 : span.spanEnd < 0 ? span.runEnd : span.spanEnd;
      visible += line.slice(index, stop);
      index = stop;
      continue;
    }
    if (char === "<" && line.startsWith("<!--", index)) {
      // Searching from the dashes of the opener lets `<!-->` and `<!--->` close themselves, as browsers do.
      const end: number = closerMissing ? -1 : line.indexOf("-->", index + 2);
      closerMissing = end < 0;
      if (end >= 0) {
        index = end + 3;
        continue;
      }
      const opensBlock = index === blockStart && !startsInComment && blockStart <= 3;
      if (opensBlock || closesLater) return { visible, endsInComment: true };
    }
    visible += char;
    index += 1;
  }
  return { visible, endsInComment: false };
}

/** For each line, whether a later line of the same paragraph (run of non-blank lines) contains `-->`. */
function commentClosesLater(lines: readonly string[]): boolean[] {
  const flags = new Array<boolean>(lines.length).fill(false);
  for (let index = lines.length - 2; index >= 0; index -= 1) {
    const next = lines[index + 1] ?? "";
    flags[index] = next.trim() !== "" && (next.includes("-->") || flags[index + 1] === true);
  }
  return flags;
}

/** Every command line of `body`, in order, without the per-body command limit. */
export function findCommandLines(body: unknown): FoundCommandLine[] {
  if (typeof body !== "string") return [];
  const lines = boundedBody(body).split(LINE_BREAK);
  const closesLater = commentClosesLater(lines);
  const found: FoundCommandLine[] = [];
  let fence: OpenFence | null = null;
  let inRawHtml = false;
  let inComment = false;

  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    const commentMayClose = closesLater[index] === true;

    if (inRawHtml) {
      if (RAW_HTML_CLOSE.test(line)) inRawHtml = false;
      continue;
    }
    if (fence) {
      if (closesFence(line, fence)) {
        fence = null;
        continue;
      }
      if (!leavesListItem(line, fence)) continue;
      fence = null;
    }
    if (inComment) {
      inComment = scanHtmlComments(line, true, commentMayClose).endsInComment;
      continue;
    }

    const { columns, rest } = splitIndent(line);
    // Four columns of indentation make an indented code block; quoted lines belong to someone else's words.
    if (columns >= 4 || rest === "" || rest.startsWith(">")) continue;
    const opened = fenceOpening(line);
    if (opened) {
      fence = opened;
      continue;
    }
    if (RAW_HTML_OPEN.test(rest)) {
      inRawHtml = !RAW_HTML_CLOSE.test(line);
      continue;
    }

    const scan = scanHtmlComments(line, false, commentMayClose);
    inComment = scan.endsInComment;
    if (COMMAND_START.test(rest)) found.push({ raw: line.trim(), visible: scan.visible.trim() });
  }
  return found;
}
