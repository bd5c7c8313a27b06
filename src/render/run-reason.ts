// The runs table's note for a failed or inconclusive run (issue 14): its first failed step linked to the job, and the
// first line of the workflow's annotation. Pure; everything from the workflow is escaped.
import type { RunReason } from "../hunt/verdict-reasons.js";
import { escapeMarkdown, safeUrl } from "./escape.js";

const STEP_LENGTH = 60;
const ANNOTATION_LENGTH = 140;
const PROBLEM_LENGTH = 100;

/** E.g. `did not build: [Install dependencies](…) · “npm ERR! …”`; empty when there is nothing to say. */
export function renderRunReason(reason: RunReason | null | undefined): string {
  if (!reason) return "";
  const parts: string[] = [];
  const where = reason.step ?? (reason.job ? `job ${reason.job}` : null);
  if (where !== null) {
    const url = safeUrl(reason.jobUrl);
    const label = escapeMarkdown(where, STEP_LENGTH);
    const linked = url ? `[${label}](${url})` : label;
    parts.push(reason.didNotBuild ? `did not build: ${linked}` : `failed at ${linked}`);
  }
  if (reason.annotation) parts.push(`“${escapeMarkdown(reason.annotation, ANNOTATION_LENGTH)}”`);
  if (reason.unavailable) parts.push(`${escapeMarkdown(reason.unavailable, PROBLEM_LENGTH)}`);
  return parts.join(" · ");
}

/** What the found answer could not show because GitHub refused an optional lookup. */
export function renderFoundUnavailable(unavailable: readonly string[]): string {
  return `<sub>⚠️ Not shown: ${unavailable.map((problem) => escapeMarkdown(problem, PROBLEM_LENGTH)).join("; ")}.</sub>`;
}
