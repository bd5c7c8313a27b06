// Formatting for the benchmark: padded markdown tables (readable in a terminal and valid in results.md), numbers and target marks.

export interface Table {
  readonly title: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns to align left; all others align right, as numbers read best that way. */
  readonly left?: readonly number[];
  /** Lines printed under the table: definitions and caveats. */
  readonly notes?: readonly string[];
}

/** A pass/fail line for the summary: what was wanted, what was measured. */
export interface TargetResult {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** What one section hands back to the entry point: its tables and the targets it judged. */
export interface SectionResult {
  readonly tables: readonly Table[];
  readonly targets: readonly TargetResult[];
  /** Longer material that goes to results.md only (per-hunt breakdowns). */
  readonly details?: readonly Table[];
}

// East Asian wide characters and emoji take two terminal cells; without this ✅/❌ columns drift.
function width(text: string): number {
  let cells = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code === 0xfe0f) continue;
    cells += code >= 0x2600 && code !== 0x2713 ? 2 : 1;
  }
  return cells;
}

function pad(text: string, size: number, left: boolean): string {
  const fill = " ".repeat(Math.max(0, size - width(text)));
  return left ? text + fill : fill + text;
}

export function renderTable(table: Table): string {
  const left = new Set(table.left ?? [0]);
  const sizes = table.head.map((head, column) => Math.max(3, width(head), ...table.rows.map((row) => width(row[column] ?? ""))));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => pad(cell, sizes[column] ?? 3, left.has(column))).join(" | ")} |`;
  const rule = `|${sizes.map((size, column) => (left.has(column) ? ":" + "-".repeat(size + 1) : "-".repeat(size + 1) + ":")).join("|")}|`;
  const notes = (table.notes ?? []).map((note) => `- ${note}`);
  return [`### ${table.title}`, "", line(table.head), rule, ...table.rows.map(line), ...(notes.length > 0 ? ["", ...notes] : [])].join("\n");
}

export function mark(met: boolean): string {
  return met ? "✅" : "❌";
}

export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

export function integer(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

export function percent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)} %`;
}

export function bytes(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1024 * 1024) return `${(value / (1024 * 1024)).toFixed(1)} MB`;
  if (abs >= 1024) return `${(value / 1024).toFixed(1)} KB`;
  return `${Math.round(value)} B`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Smallest r with base^r >= n, by multiplication so no floating-point log lands one off. */
export function ceilLog(n: number, base: number): number {
  let rounds = 0;
  for (let reach = 1; reach < n; reach *= base) rounds++;
  return rounds;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

/**
 * results.md with the given sections' tables and targets in place of the same ones (matched by table title and
 * target text), and a line under the header saying what was re-measured: the other sections' figures stay as
 * their last full run left them.
 */
export function spliceResults(markdown: string, sections: readonly SectionResult[], note: string): string {
  let out = markdown;
  for (const table of sections.flatMap((section) => [...section.tables, ...(section.details ?? [])])) {
    const start = out.indexOf(`### ${table.title}\n`);
    const rendered = `${renderTable(table)}\n`;
    if (start < 0) {
      out = out.replace("\n## Details", `\n${rendered}\n## Details`);
      if (!out.includes(rendered)) out += `\n${rendered}`;
      continue;
    }
    const next = out.slice(start + 4).search(/\n#{2,3} /);
    const end = next < 0 ? out.length : start + 4 + next + 1;
    out = `${out.slice(0, start)}${rendered}\n${out.slice(end)}`;
  }
  // The targets table, re-rendered with the new rows in place of the old.
  const targetsStart = out.indexOf("### Targets\n");
  if (targetsStart >= 0) {
    const targetsEnd = targetsStart + 4 + out.slice(targetsStart + 4).search(/\n#{2,3} /) + 1;
    const rows = out
      .slice(targetsStart, targetsEnd)
      .split("\n")
      .filter((line) => line.startsWith("| ") && !/^\|\s*target\s*\|/.test(line))
      .map((line) => line.slice(1, -1).split(" | ").map((cell) => cell.trim()));
    for (const target of sections.flatMap((section) => section.targets)) {
      const row = [target.target, target.measured, mark(target.met)];
      const index = rows.findIndex((existing) => existing[0] === target.target);
      if (index >= 0) rows[index] = row;
      else rows.push(row);
    }
    out = `${out.slice(0, targetsStart)}${renderTable({ title: "Targets", head: ["target", "measured", "met"], rows })}\n\n${out.slice(targetsEnd)}`;
  }
  const header = out.indexOf("\n\n- CPU:");
  return header < 0 ? `${note}\n\n${out}` : `${out.slice(0, header)}\n\n${note}${out.slice(header)}`;
}
