// Public surface of the render module: comment rendering, marker builders and parsing, escaping.
export type { CommentMarks, CommitView, FoundView, HuntState, HuntView, RunStatus, RunView, VersionView } from "./types.js";
export { AUTOPILOT_ITEM, MAX_COMMENT_LENGTH, percent, renderHuntComment } from "./comment.js";
export {
  AUTO_MARKER,
  HUNT_STATES,
  findHuntId,
  findState,
  huntMarker,
  parseCommentMarks,
  parseResultMarker,
  resultMarker,
  stateMarker,
  tagMarker,
} from "./markers.js";
export type { ParsedResult, ResultMarkerInput } from "./markers.js";
export {
  DEFAULT_TEXT_LENGTH,
  decodeMarkerName,
  encodeMarkerName,
  escapeMarkdown,
  safeUrl,
  toOneLine,
  toWellFormed,
  truncateText,
} from "./escape.js";
