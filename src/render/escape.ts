// Makes user and repository text safe to embed in GitHub-flavoured markdown, and encodes names carried inside hidden markers.

/** Default bound, in code points, for a piece of untrusted text shown in the comment. */
export const DEFAULT_TEXT_LENGTH = 120;

const ZERO_WIDTH_JOINER = "\u200D";
const ELLIPSIS = "…";

// Lone surrogates make encodeURIComponent throw and render as garbage; U+FFFD is what a UTF-8 decoder would show anyway.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0/C1 controls (other than whitespace) and bidirectional overrides can hide or reorder what a reader sees.
const INVISIBLE_OR_CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
// Includes \u2028/\u2029/\u0085: any of them would end a table row or list item.
const ANY_WHITESPACE_RUN = /[\s\u0085]+/g;
// GitHub treats `@name` as a mention only when `@` does not follow a letter or digit (so `create-vite@5.0.0` is harmless).
const MENTION_START = /(?<![\p{L}\p{N}])@/gu;
// `#123` (also in `owner/repo#123`) would create a cross-reference event on that issue or pull request.
const ISSUE_REFERENCE = /#(?=\d)/g;
// Everything that can open or close an inline construct: code spans, emphasis, strikethrough, links, math, table cells, HTML, entities.
const MARKDOWN_SPECIAL = /[\\`*_[\]()|~$<>&]/g;
const MARKDOWN_REPLACEMENT: Readonly<Record<string, string>> = { "<": "&lt;", ">": "&gt;", "&": "&amp;" };

/** Replaces lone UTF-16 surrogates with U+FFFD, so the string is valid Unicode. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}

/** Collapses every kind of line break and whitespace run to one space and drops invisible control characters. */
export function toOneLine(text: string): string {
  return toWellFormed(String(text)).replace(INVISIBLE_OR_CONTROL, "").replace(ANY_WHITESPACE_RUN, " ").trim();
}

/** Cuts text to at most `maxLength` code points (never splitting a surrogate pair), ending with … when cut. */
export function truncateText(text: string, maxLength: number): string {
  const limit = Math.max(1, Math.floor(maxLength));
  if (text.length <= limit) return text;
  const codePoints = Array.from(text);
  if (codePoints.length <= limit) return text;
  return codePoints.slice(0, limit - 1).join("") + ELLIPSIS;
}

/**
 * Escapes untrusted text for inline use anywhere in the comment, including table cells and `<code>` elements:
 * one line, at most `maxLength` code points before escaping, no markdown or HTML syntax, no mentions or issue references.
 */
export function escapeMarkdown(text: string | null | undefined, maxLength: number = DEFAULT_TEXT_LENGTH): string {
  if (text === null || text === undefined) return "";
  return truncateText(toOneLine(text), maxLength)
    .replace(MENTION_START, "@" + ZERO_WIDTH_JOINER)
    .replace(ISSUE_REFERENCE, "#" + ZERO_WIDTH_JOINER)
    .replace(MARKDOWN_SPECIAL, (character) => MARKDOWN_REPLACEMENT[character] ?? "\\" + character);
}

// Characters that would end a markdown link destination, split a table cell, or be decoded as an entity.
const URL_UNSAFE = /[\s()<>"'`|\\]/g;

/** Returns an http(s) URL safe to put inside `[text](…)`, or null when the input is not one. */
export function safeUrl(url: string | null | undefined): string | null {
  if (typeof url !== "string" || url.length === 0 || url.length > 2048) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  return parsed.href
    .replace(URL_UNSAFE, (character) => "%" + character.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"))
    .replace(/&/g, "&amp;");
}

/**
 * Percent-encodes a name for use inside a hidden marker: `encodeURIComponent`, and additionally `--` becomes `-%2D`,
 * because GFM (CommonMark 0.29) does not accept `--` inside an HTML comment and would show the marker as text.
 * The output never contains `<`, `>`, whitespace, `,` or `--`, and `decodeURIComponent` reverses it.
 */
export function encodeMarkerName(name: string): string {
  return encodeURIComponent(toWellFormed(String(name))).replace(/--/g, "-%2D");
}

/** Inverse of encodeMarkerName; null when the text is not valid percent-encoding. */
export function decodeMarkerName(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

const MAX_INLINE_CODE_LENGTH = 100;

/**
 * Shows user-provided or repository text as inline code. Inside a code span markdown, mentions
 * and issue links are inert, so removing backticks (which would close the span) and line breaks
 * (which would end the paragraph) is all the escaping needed.
 */
export function inlineCode(text: string): string {
  let shown = text.replace(/`/g, "").replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
  if (shown.length > MAX_INLINE_CODE_LENGTH) shown = `${shown.slice(0, MAX_INLINE_CODE_LENGTH)}…`;
  return shown === "" ? "(empty)" : `\`${shown}\``;
}

