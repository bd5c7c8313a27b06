// The texts Locate replies with on the issue, outside its hunt comment. Everything from users or GitHub is escaped.
import { escapeMarkdown } from "../render/escape.js";
import { inlineCode } from "../render/escape.js";
import type { WorkflowProblem } from "../github/workflows.js";

/** §4's workflow template, shown whenever the workflow is missing or lacks what Locate needs. */
export const WORKFLOW_TEMPLATE = `\`\`\`yaml
name: locate
run-name: "locate \${{ inputs.tag }} [\${{ inputs.locate_id }}]"
on:
  workflow_dispatch:
    inputs:
      ref:       { description: "commit to test", required: true }
      tag:       { description: "version name",   required: true }
      locate_id: { description: "correlation token", required: false }
jobs:
  repro:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ inputs.ref }}" }
      - run: ./scripts/repro.sh   # exit 0 = good, non-zero = bad
\`\`\``;

export function workflowProblemReply(workflow: string, dispatchRef: string, problem: WorkflowProblem): string {
  const cause =
    problem.status === 404
      ? `there is no workflow ${inlineCode(workflow)} on ${inlineCode(dispatchRef)}`
      : `GitHub says: ${escapeMarkdown(problem.githubMessage, 300)}`;
  return [
    `⚠️ Locate could not dispatch the workflow ${inlineCode(workflow)}: ${cause}.`,
    "",
    `The hunt is paused. Add \`.github/workflows/${workflow.replace(/`/g, "")}\` on ${inlineCode(dispatchRef)} with a \`workflow_dispatch\` trigger and the inputs \`ref\`, \`tag\` and \`locate_id\` (or name another workflow with \`workflow:\` in \`.github/locate.yml\`), then \`/locate resume\`:`,
    "",
    WORKFLOW_TEMPLATE,
  ].join("\n");
}

export function permissionReply(login: string, required: string): string {
  return `Sorry @${escapeMarkdown(login, 40)}, only people with **${required}** access to this repository can start hunts or spend CI runs. A maintainer can run the command for you.`;
}

export const INTERNAL_ERROR_REPLY =
  "😵 Locate hit an internal error while handling this. The maintainers of this Locate installation can find the details in its logs; trying the command again is safe.";
