// The texts Locate replies with on the issue, outside its hunt comment. Everything from users or GitHub is escaped.
import { escapeMarkdown } from "../render/escape.js";
import { inlineCode } from "../render/escape.js";
import type { WorkflowProblem } from "../github/workflows.js";

/**
 * §4's workflow template, shown whenever the workflow is missing or lacks what Locate needs. The reproduction reaches
 * the script through the environment, never `${{ }}` inside `run:`, so no code block can inject shell (issue 14).
 * The steps are named so that the default `skip-steps` tells "did not build" from "bad".
 */
export const WORKFLOW_TEMPLATE = `\`\`\`yaml
name: locate
run-name: "locate \${{ inputs.tag }} [\${{ inputs.locate_id }}]"
on:
  workflow_dispatch:
    inputs:
      ref:        { description: "commit to test", required: true }
      tag:        { description: "version name", required: true }
      locate_id:  { description: "correlation token", required: false }
      repro:      { description: "reproduction from the issue", required: false }
      repro_lang: { description: "its language", required: false }
jobs:
  repro:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ inputs.ref }}" }
      - name: Install dependencies
        run: npm ci
      - name: Build
        run: npm run build --if-present
      - name: Reproduce   # exit 0 = good, non-zero = bad
        env: { REPRO: "\${{ inputs.repro }}", REPRO_LANG: "\${{ inputs.repro_lang }}", TAG: "\${{ inputs.tag }}" }
        run: |
          if [ -z "$REPRO" ]; then exec ./scripts/repro.sh; fi
          case "$REPRO_LANG" in
            js|javascript|mjs) printf '%s\\n' "$REPRO" > repro.mjs && node repro.mjs ;;
            py|python)         printf '%s\\n' "$REPRO" > repro.py && python3 repro.py ;;
            *)                 printf '%s\\n' "$REPRO" > repro.sh && bash -e repro.sh ;;
          esac || { echo "::notice title=locate::the reproduction failed on $TAG"; exit 1; }
\`\`\``;

const UNEXPECTED_INPUTS = /Unexpected inputs provided/i;

/** GitHub's 422 for a dispatch whose inputs the workflow does not declare names them: is the reproduction among them? */
export function lacksReproInput(problem: WorkflowProblem): boolean {
  return problem.status === 422 && UNEXPECTED_INPUTS.test(problem.githubMessage) && /["'\[\s,]repro(?:_lang)?["'\],\s]/.test(problem.githubMessage);
}

export function workflowProblemReply(workflow: string, dispatchRef: string, problem: WorkflowProblem): string {
  const file = `\`.github/workflows/${workflow.replace(/`/g, "")}\``;
  if (lacksReproInput(problem)) {
    return [
      `⚠️ The workflow ${inlineCode(workflow)} does not declare the input \`repro\`, so GitHub refused to run it with the reproduction from the code block (GitHub says: ${escapeMarkdown(problem.githubMessage, 200)}).`,
      "",
      `The hunt is paused. Declare \`repro\` and \`repro_lang\` as optional \`workflow_dispatch\` inputs in ${file} on ${inlineCode(dispatchRef)} and run them as below, then \`/locate resume\`; or cancel and start again with \`repro=none\` to leave the code block out:`,
      "",
      WORKFLOW_TEMPLATE,
    ].join("\n");
  }
  const cause =
    problem.status === 404
      ? `there is no workflow ${inlineCode(workflow)} on ${inlineCode(dispatchRef)}`
      : `GitHub says: ${escapeMarkdown(problem.githubMessage, 300)}`;
  return [
    `⚠️ Locate could not dispatch the workflow ${inlineCode(workflow)}: ${cause}.`,
    "",
    `The hunt is paused. Add ${file} on ${inlineCode(dispatchRef)} with a \`workflow_dispatch\` trigger and the inputs \`ref\`, \`tag\` and \`locate_id\` (and \`repro\`, \`repro_lang\` for a reproduction from the issue), or name another workflow with \`workflow:\` in \`.github/locate.yml\`, then \`/locate resume\`:`,
    "",
    WORKFLOW_TEMPLATE,
  ].join("\n");
}

export function permissionReply(login: string, required: string): string {
  return `Sorry @${escapeMarkdown(login, 40)}, only people with **${required}** access to this repository can start hunts or spend CI runs. A maintainer can run the command for you.`;
}

export const INTERNAL_ERROR_REPLY =
  "😵 Locate hit an internal error while handling this. The maintainers of this Locate installation can find the details in its logs; trying the command again is safe.";
