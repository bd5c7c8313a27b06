// The hidden HTML-comment markers of the hunt comment: builders, and parsing them back from a (possibly hand-edited) body.
import type { CommentMarks, HuntState } from "./types.js";
import { decodeMarkerName, encodeMarkerName } from "./escape.js";

export const HUNT_STATES: readonly HuntState[] = ["searching", "paused", "found", "cancelled", "failed"];

export const AUTO_MARKER = "<!-- locate:auto -->";

export function huntMarker(huntId: number): string {
  return `<!-- locate:hunt:${formatId(huntId)} -->`;
}

export function stateMarker(state: HuntState): string {
  return `<!-- locate:state:${HUNT_STATES.includes(state) ? state : "failed"} -->`;
}

export function tagMarker(name: string): string {
  return `<!-- locate:tag:${encodeMarkerName(name)} -->`;
}

export interface ResultMarkerInput {
  /** The first bad version, or for an ambiguous answer the earliest possible one. */
  readonly firstBad: string;
  readonly lastGood: string;
  /** Every possible first bad version, only when the answer is ambiguous (more than one). */
  readonly candidates?: readonly string[];
  /** Probability of the answer, 0..1 (absent for hunts found before answers carried one). */
  readonly confidence?: number | null;
}

export function resultMarker(result: ResultMarkerInput): string {
  const candidates =
    result.candidates && result.candidates.length > 1
      ? ` candidates=${result.candidates.map(encodeMarkerName).join(",")}`
      : "";
  const confidence = typeof result.confidence === "number" && result.confidence >= 0 && result.confidence <= 1 ? ` confidence=${formatProbability(result.confidence)}` : "";
  return `<!-- locate:result first-bad=${encodeMarkerName(result.firstBad)} last-good=${encodeMarkerName(result.lastGood)}${candidates}${confidence} -->`;
}

/** Four decimals, rounded down so that an answer never reads surer than it is; trailing zeros dropped. */
function formatProbability(probability: number): string {
  return String(Math.floor(probability * 10_000) / 10_000);
}

// Ids are database serials; anything else is rendered as 0 so a marker can never carry arbitrary text.
function formatId(huntId: number): string {
  return Number.isSafeInteger(huntId) && huntId >= 0 ? String(huntId) : "0";
}

const HUNT_MARKER_PATTERN = /<!-- locate:hunt:(\d{1,16}) -->/;
const STATE_MARKER_PATTERN = /<!-- locate:state:([a-z]{1,20}) -->/;
const TAG_MARKER_PATTERN = /<!-- locate:tag:([^\s<>]*) -->/;
const RESULT_MARKER_PATTERN = /<!-- locate:result first-bad=([^\s<>]*) last-good=([^\s<>]*)(?: candidates=([^\s<>]*))?(?: confidence=(0|1|0\.\d{1,4}))? -->/;
// A GitHub task-list item: a bullet or ordered-list marker, then `[ ]`, `[x]` or `[X]`. Leading spaces allow nesting.
const TASK_ITEM_PATTERN = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\](?:[ \t]|$)/;

/** The hunt id from the `locate:hunt` marker, or null when there is none. Never throws. */
export function findHuntId(body: string): number | null {
  if (typeof body !== "string") return null;
  const match = HUNT_MARKER_PATTERN.exec(body);
  if (!match?.[1]) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? id : null;
}

/** The state from the `locate:state` marker, or null when there is none (or it names no known state). */
export function findState(body: string): HuntState | null {
  if (typeof body !== "string") return null;
  const state = STATE_MARKER_PATTERN.exec(body)?.[1];
  return HUNT_STATES.find((known) => known === state) ?? null;
}

export interface ParsedResult {
  readonly firstBad: string;
  readonly lastGood: string;
  /** All possible first bad versions; [firstBad] when the answer is exact. */
  readonly candidates: readonly string[];
  /** Probability of the answer, or null when the marker carries none. */
  readonly confidence: number | null;
}

/** The decoded `locate:result` marker, or null when absent or malformed. */
export function parseResultMarker(body: string): ParsedResult | null {
  if (typeof body !== "string") return null;
  const match = RESULT_MARKER_PATTERN.exec(body);
  if (!match) return null;
  const firstBad = decodeMarkerName(match[1] ?? "");
  const lastGood = decodeMarkerName(match[2] ?? "");
  if (firstBad === null || lastGood === null) return null;
  const confidence = match[4] === undefined ? null : Number(match[4]);
  if (match[3] === undefined) return { firstBad, lastGood, candidates: [firstBad], confidence };
  const candidates = match[3].split(",").map(decodeMarkerName);
  if (candidates.some((name) => name === null)) return null;
  return { firstBad, lastGood, candidates: candidates as string[], confidence };
}

/**
 * Reads what a human changed in the comment: the hunt id, the ticked candidate items (decoded names, in order,
 * without duplicates) and the auto-pilot item. Tolerates CRLF, indentation and arbitrary edits; never throws.
 */
export function parseCommentMarks(body: string): CommentMarks {
  if (typeof body !== "string") return { huntId: null, ticked: [], autopilot: null };
  const ticked = new Set<string>();
  let autopilot: boolean | null = null;
  for (const line of body.split(/\r\n|\r|\n/)) {
    const hasTag = line.includes("<!-- locate:tag:");
    const hasAuto = autopilot === null && line.includes(AUTO_MARKER);
    if (!hasTag && !hasAuto) continue;
    const checkbox = TASK_ITEM_PATTERN.exec(line)?.[1];
    if (checkbox === undefined) continue;
    const isTicked = checkbox !== " ";
    if (hasAuto) {
      autopilot = isTicked;
      continue;
    }
    if (!isTicked) continue;
    const encoded = TAG_MARKER_PATTERN.exec(line)?.[1];
    const name = encoded === undefined ? null : decodeMarkerName(encoded);
    if (name !== null) ticked.add(name);
  }
  return { huntId: findHuntId(body), ticked: [...ticked], autopilot };
}
