// The webhooks an installation gets that are not Locate's business (issue 13): people talking, CI that Locate did not
// start, issues being triaged. Built from GitHub's own example payloads (@octokit/webhooks-examples) with the
// sandbox's installation and repository, and signed with the app's secret, so both servers verify and parse them.
import { createRequire } from "node:module";
import { Webhooks } from "@octokit/webhooks";
import type { Sandbox } from "../src/sandbox/index.js";
import { prng } from "../src/sandbox/prng.js";
import type { PreparedDelivery } from "./webhooks.js";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Record<string, unknown>[] }[];

function example(event: string, action: string, has?: (payload: Record<string, any>) => boolean): Record<string, any> {
  const found = examples.find((e) => e.name === event)?.examples.find((e) => e.action === action && (has?.(e) ?? true));
  if (!found) throw new Error(`no example payload for ${event}.${action}`);
  return structuredClone(found) as Record<string, any>;
}

/** One cycle of the mix: 18 plain comments, 12 workflow runs (6 of push CI, 6 of a hand-dispatched deploy), 6 issue events. */
export const MIX_CYCLE = {
  comments: 18,
  pushCi: 6,
  deploy: 6,
  issuesOpened: 2,
  issuesLabeled: 2,
  issuesClosed: 2,
} as const;

const PEOPLE = ["dana", "erik", "farah", "goran", "hiro", "ines"];

/** Comments people write on issues and pull requests: no `/locate` line anywhere, one with a code block and one quoting. */
const COMMENT_BODIES = [
  "You are totally right! I'll get this fixed right away.",
  "Same here on 2.3.1, macOS 14, Node 22.",
  "Could you share the full stack trace?\n\n```\nTypeError: Cannot read properties of undefined (reading 'map')\n    at render (src/render.js:42:17)\n```",
  "> does this happen on main too?\n\nYes, it does. Bisecting by hand is slow, though.",
  "Thanks, closing as a duplicate of #12.",
  "I can take this one. Assigning myself.",
];

/**
 * `cycles` rounds of the irrelevant mix, in a seeded order: half plain comments (issue_comment.created by a User,
 * no `/locate` line), a third workflow_run events (requested, in_progress and completed of push-triggered CI in
 * .github/workflows/ci.yml, event "push", and of a deploy workflow dispatched by hand, .github/workflows/deploy.yml,
 * event "workflow_dispatch", whose title carries no Locate token), the rest issues events (opened without a command,
 * labeled, closed). Issue numbers run over `issues` (the issues of recorded hunts included: a comment there is still
 * not a command); workflow run ids are large and unknown to Locate.
 */
export async function irrelevantMix(sb: Sandbox, options: { cycles: number; issues: readonly number[]; seed: number }): Promise<PreparedDelivery[]> {
  const rand = prng(options.seed);
  const repository = (base: Record<string, any>) => ({
    ...base,
    id: sb.repo.id,
    name: sb.repo.name,
    full_name: `${sb.repo.owner}/${sb.repo.name}`,
    html_url: sb.repo.htmlUrl,
    default_branch: sb.repo.defaultBranch,
    private: false,
    owner: { ...base.owner, login: sb.repo.owner },
  });
  const installation = { id: sb.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  const person = (base: Record<string, any>, login: string) => ({ ...base, login, id: 9_000 + PEOPLE.indexOf(login), type: "User", site_admin: false });
  const issueNumber = () => options.issues[rand.int(0, options.issues.length - 1)] ?? 1;
  let nextId = 8_000_000_001;

  const comment = (): [string, Record<string, any>] => {
    const payload = example("issue_comment", "created", (p) => p.installation !== undefined);
    const login = rand.pick(PEOPLE);
    const number = issueNumber();
    payload.installation = installation;
    payload.repository = repository(payload.repository);
    payload.sender = person(payload.sender, login);
    payload.issue = { ...payload.issue, number, user: person(payload.issue.user, rand.pick(PEOPLE)), html_url: `${sb.repo.htmlUrl}/issues/${number}` };
    payload.comment = { ...payload.comment, id: nextId++, body: rand.pick(COMMENT_BODIES), user: person(payload.comment.user, login), author_association: "CONTRIBUTOR" };
    return ["issue_comment", payload];
  };

  const workflowRun = (kind: "push" | "deploy", action: "requested" | "in_progress" | "completed", runId: number): [string, Record<string, any>] => {
    const payload = example("workflow_run", action === "completed" ? "completed" : "requested", (p) => typeof p.workflow_run?.path === "string");
    const push = kind === "push";
    const path = push ? ".github/workflows/ci.yml" : ".github/workflows/deploy.yml";
    const name = push ? "CI" : "Deploy";
    const workflowId = push ? 161_335 : 161_336;
    const actor = person(payload.sender, push ? "dana" : "erik");
    payload.action = action;
    payload.installation = installation;
    payload.repository = repository(payload.repository);
    payload.sender = actor;
    payload.workflow = { ...payload.workflow, id: workflowId, name, path, html_url: `${sb.repo.htmlUrl}/blob/${sb.repo.defaultBranch}/${path}` };
    payload.workflow_run = {
      ...payload.workflow_run,
      id: runId,
      name,
      path,
      workflow_id: workflowId,
      event: push ? "push" : "workflow_dispatch",
      // A push run is titled by its head commit; a hand-dispatched one by its workflow's run-name, with no Locate token.
      display_title: push ? "Fix the widget cache on reload" : "Deploy production",
      head_branch: sb.repo.defaultBranch,
      head_sha: sb.repo.defaultBranchSha,
      run_number: runId % 10_000,
      run_attempt: 1,
      status: action === "requested" ? "queued" : action,
      conclusion: action === "completed" ? "success" : null,
      html_url: `${sb.repo.htmlUrl}/actions/runs/${runId}`,
      repository: repository(payload.workflow_run.repository ?? payload.repository),
      head_repository: repository(payload.workflow_run.head_repository ?? payload.repository),
      actor,
      triggering_actor: actor,
      pull_requests: [],
    };
    return ["workflow_run", payload];
  };

  const issues = (action: "opened" | "labeled" | "closed"): [string, Record<string, any>] => {
    // There is no `closed` example: an opened issue with the fields a close sets.
    const payload = example("issues", action === "labeled" ? "labeled" : "opened", (p) => p.issue?.body !== null);
    const login = rand.pick(PEOPLE);
    const number = action === "opened" ? 10_000 + nextId++ % 10_000 : issueNumber();
    payload.action = action;
    payload.installation = installation;
    payload.repository = repository(payload.repository);
    payload.sender = person(payload.sender, login);
    payload.issue = {
      ...payload.issue,
      number,
      html_url: `${sb.repo.htmlUrl}/issues/${number}`,
      title: "Widgets render blank after upgrading",
      body: "Since the last release the widgets render blank.\n\nSteps:\n1. `npm i widgets@latest`\n2. `npx widgets render`",
      user: person(payload.issue.user, login),
      ...(action === "closed" ? { state: "closed", state_reason: "completed", closed_at: "2026-12-01T12:00:00Z" } : {}),
    };
    if (action === "labeled") payload.label = { ...payload.label, name: "bug" };
    return ["issues", payload];
  };

  const cycle = (): Array<() => [string, Record<string, any>]> => {
    const runs = (kind: "push" | "deploy", n: number) =>
      Array.from({ length: n / 3 }, () => {
        const runId = 90_000_000_000 + nextId++;
        return (["requested", "in_progress", "completed"] as const).map((action) => () => workflowRun(kind, action, runId));
      }).flat();
    return [
      ...Array.from({ length: MIX_CYCLE.comments }, () => comment),
      ...runs("push", MIX_CYCLE.pushCi),
      ...runs("deploy", MIX_CYCLE.deploy),
      ...Array.from({ length: MIX_CYCLE.issuesOpened }, () => () => issues("opened")),
      ...Array.from({ length: MIX_CYCLE.issuesLabeled }, () => () => issues("labeled")),
      ...Array.from({ length: MIX_CYCLE.issuesClosed }, () => () => issues("closed")),
    ];
  };
  const built: Array<[string, Record<string, any>]> = [];
  for (let i = 0; i < options.cycles; i++) {
    // Shuffled within a cycle, so every stretch of deliveries has the mix (a run's events keep no order, as with several CI jobs).
    const makers = cycle().map((make) => ({ make, key: rand.next() })).sort((a, b) => a.key - b.key);
    for (const { make } of makers) built.push(make());
  }
  const webhooks = new Webhooks({ secret: sb.env.WEBHOOK_SECRET });
  return Promise.all(
    built.map(async ([event, payload]) => {
      const body = JSON.stringify(payload);
      const action = payload.action as string;
      const kind = event === "workflow_run" ? `workflow_run.${action} (${payload.workflow_run.event === "push" ? "push CI" : "deploy by hand"})` : `${event}.${action}`;
      return { event, action, kind, body, signature: await webhooks.sign(body) };
    }),
  );
}

/** The mix as the table notes describe it, counted from what was built. */
export function describeMix(deliveries: readonly PreparedDelivery[]): string {
  const counts = new Map<string, number>();
  for (const d of deliveries) counts.set(d.kind ?? d.event, (counts.get(d.kind ?? d.event) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([k, n]) => `${k} ${n}`).join(", ");
}
