// Plays the people and GitHub Actions around a hunt in integration tests: ticks in the comment, run webhooks.
import type { TestApp } from "./app.js";
import { serveRepoConfig } from "./nock-config.js";
import { NockGitHub } from "./nock-github.js";
import { BOT_LOGIN, issueCommentCreated, issueCommentEdited, workflowRun } from "./payloads.js";

/** Ticks the items with these markers in a comment body, as a person's browser would. */
export function tick(body: string, markers: readonly string[]): string {
  return body
    .split("\n")
    .map((line) => (markers.some((m) => line.includes(`<!-- ${m} -->`)) ? line.replace("- [ ]", "- [x]") : line))
    .join("\n");
}

/** Markers of the ⭐ suggested picks among the unticked candidates. */
export function suggestedPicks(body: string): string[] {
  return body
    .split("\n")
    .filter((line) => line.startsWith("- [ ]") && line.includes("⭐"))
    .map((line) => /<!-- (locate:tag:[^ ]+) -->/.exec(line)?.[1])
    .filter((m): m is string => m !== undefined);
}

export function huntState(body: string): string | undefined {
  return /<!-- locate:state:(\w+) -->/.exec(body)?.[1];
}

/**
 * A fresh nock GitHub with `tags` tags and the hidden first bad at `firstBad` (and `.github/locate.yml` when given),
 * and a driver for the hunt on it.
 */
export function huntOnNock(app: TestApp, options: { tags: number; firstBad: number; roles: Record<string, string>; config?: string | undefined }): { gh: NockGitHub; hunt: HuntDriver } {
  if (options.config !== undefined) serveRepoConfig({ repo: options.config });
  const gh = new NockGitHub({ tags: options.tags, firstBad: options.firstBad, roles: options.roles });
  return { gh, hunt: new HuntDriver(app, gh) };
}

export class HuntDriver {
  readonly reported = new Set<number>();

  constructor(
    private readonly app: TestApp,
    private readonly gh: NockGitHub,
  ) {}

  comment(login: string, body: string) {
    return this.app.receive("issue_comment.created", issueCommentCreated({ body, login }));
  }

  async tick(login: string, markers: readonly string[]) {
    const comment = this.gh.huntComment();
    const body = tick(comment.body, markers);
    await this.app.receive("issue_comment.edited", issueCommentEdited({ body, from: comment.body, login, commentId: comment.id, author: BOT_LOGIN }));
  }

  /** GitHub's side of every dispatch not yet reported: requested, then completed with the true verdict. */
  /** Reports runs until no new one is dispatched: an auto-pilot hunt to its end (at most `rounds` times round). */
  async runToTheEnd(rounds = 30) {
    for (let i = 0; i < rounds && this.gh.dispatches.length > this.reported.size; i++) await this.reportRuns();
  }

  async reportRuns(options: { only?: (tag: string) => boolean } = {}) {
    for (const d of this.gh.dispatches) {
      if (this.reported.has(d.runId) || (options.only && !options.only(d.inputs.tag!))) continue;
      this.reported.add(d.runId);
      const displayTitle = `locate ${d.inputs.tag} [${d.inputs.locate_id}]`;
      await this.app.receive("workflow_run", workflowRun("requested", { id: d.runId, status: "requested", displayTitle }));
      this.gh.completedRuns++;
      await this.app.receive("workflow_run", workflowRun("completed", { id: d.runId, status: "completed", conclusion: this.gh.conclusionFor(d), displayTitle }));
    }
  }

  state(): string | undefined {
    return huntState(this.gh.huntComment().body);
  }
}
