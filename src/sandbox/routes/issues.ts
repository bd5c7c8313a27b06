// Issue endpoints the app uses: read the issue, list/create/read/edit/delete comments, and add reactions.
import { error, notFound, ok, paginate } from "../http.js";
import type { ApiResponse, RouteDef } from "../router.js";
import { comment, issue as issueShape, reaction } from "../shapes/issues.js";
import type { IssueModel, ReactionContent } from "../shapes/issues.js";
import { MAX_COMMENT_LENGTH } from "../world.js";
import type { World } from "../world.js";

export function issueRoutes(world: World): RouteDef[] {
  const findIssue = (raw: string | undefined): IssueModel | undefined => (raw && /^\d+$/.test(raw) ? world.issues.get(Number(raw)) : undefined);
  const findComment = (raw: string | undefined) => (raw && /^\d+$/.test(raw) ? world.liveComment(Number(raw)) : undefined);
  const bot = () => world.bot;

  return [
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/issues/{issue_number}",
      auth: "installation",
      handler: (req) => {
        const found = findIssue(req.params.issue_number);
        return found ? ok(issueShape(world, found)) : notFound();
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
      auth: "installation",
      handler: (req) => {
        const found = findIssue(req.params.issue_number);
        if (!found) return notFound();
        const since = req.query.get("since");
        const sinceMs = since ? Date.parse(since) : Number.NaN;
        const list = [...world.comments.values()]
          .filter((c) => c.issueNumber === found.number && !c.deleted)
          .filter((c) => Number.isNaN(sinceMs) || c.updatedAt >= sinceMs)
          .sort((a, b) => a.id - b.id);
        const page = paginate(list, req, world.api);
        return ok(page.items.map((c) => comment(world, c)), 200, page.headers);
      },
    },
    {
      method: "POST",
      template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
      auth: "installation",
      handler: (req) => {
        const found = findIssue(req.params.issue_number);
        if (!found) return notFound();
        const body = (req.body as { body: string }).body;
        const invalid = checkBody(body);
        if (invalid) return invalid;
        if (!world.mayComment(found, bot())) return error(403, "Unable to create comment because issue is locked.");
        const created = world.createComment(found, bot(), body);
        return ok(comment(world, created), 201, { location: `${world.api}/repos/${world.repo.owner.login}/${world.repo.name}/issues/comments/${created.id}` });
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
      auth: "installation",
      handler: (req) => {
        const found = findComment(req.params.comment_id);
        return found ? ok(comment(world, found)) : notFound();
      },
    },
    {
      method: "PATCH",
      template: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
      auth: "installation",
      handler: (req) => {
        const found = findComment(req.params.comment_id);
        if (!found) return notFound();
        const body = (req.body as { body: string }).body;
        const invalid = checkBody(body);
        if (invalid) return invalid;
        if (!world.mayEdit(found, bot())) return error(403, "Resource not accessible by integration");
        world.updateComment(found, bot(), body);
        return ok(comment(world, found));
      },
    },
    {
      method: "DELETE",
      template: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
      auth: "installation",
      handler: (req) => {
        const found = findComment(req.params.comment_id);
        if (!found) return notFound();
        world.deleteComment(found, bot());
        return { status: 204 };
      },
    },
    {
      method: "POST",
      template: "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
      auth: "installation",
      handler: (req) => {
        const found = findComment(req.params.comment_id);
        if (!found) return notFound();
        const { reaction: r, created } = world.react(found.reactions, bot(), (req.body as { content: ReactionContent }).content);
        return ok(reaction(world, r), created ? 201 : 200);
      },
    },
    {
      method: "POST",
      template: "/repos/{owner}/{repo}/issues/{issue_number}/reactions",
      auth: "installation",
      handler: (req) => {
        const found = findIssue(req.params.issue_number);
        if (!found) return notFound();
        const { reaction: r, created } = world.react(found.reactions, bot(), (req.body as { content: ReactionContent }).content);
        return ok(reaction(world, r), created ? 201 : 200);
      },
    },
  ];
}

/** GitHub counts characters (code points), not UTF-16 units, against the 65,536 limit. */
export function checkBody(body: string): ApiResponse | undefined {
  if (body.length === 0) {
    return error(422, "Validation Failed", { errors: [{ resource: "IssueComment", code: "missing_field", field: "body" }] });
  }
  if (body.length > MAX_COMMENT_LENGTH && [...body].length > MAX_COMMENT_LENGTH) {
    return error(422, "Validation Failed", {
      errors: [{ resource: "IssueComment", code: "custom", field: "body", message: `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)` }],
    });
  }
  return undefined;
}
