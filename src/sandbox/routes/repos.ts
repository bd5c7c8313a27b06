// Repository endpoints: the repository, tags, compare, commits, associated pulls, the config file and collaborator permission.
import { createHash } from "node:crypto";
import { commitMeta } from "../commit-meta.js";
import { error, linkHeader, notFound, ok, paginate, pageParams } from "../http.js";
import type { RouteDef } from "../router.js";
import { repoApiUrl, repoWebUrl, repository, user } from "../shapes/common.js";
import { commit, pullRequest, tag } from "../shapes/git.js";
import type { Role } from "../types.js";
import type { World } from "../world.js";

export const CONFIG_PATH = ".github/locate.yml";

/** Without page/per_page GitHub lists the first 250 commits of a comparison. */
const COMPARE_UNPAGED_LIMIT = 250;

export function repoRoutes(world: World): RouteDef[] {
  const g = world.graph;
  // GitHub lists tags by name, newest-looking first (numeric-aware, descending).
  const sortedTags = [...g.tags].sort((a, b) => b.name.localeCompare(a.name, "en", { numeric: true }));
  return [
    { method: "GET", template: "/repos/{owner}/{repo}", auth: "installation", handler: () => ok(repository(world, true)) },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/tags",
      auth: "installation",
      handler: (req) => {
        const page = paginate(sortedTags, req, world.api);
        return ok(page.items.map((t) => tag(world, t)), 200, page.headers);
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/compare/{basehead}",
      auth: "installation",
      handler: (req) => {
        const basehead = req.params.basehead!;
        const split = basehead.includes("...") ? basehead.split("...") : basehead.split("..");
        if (split.length !== 2 || !split[0] || !split[1]) return notFound();
        const [baseRef, headRef] = split as [string, string];
        const base = g.resolve(baseRef);
        const head = g.resolve(headRef);
        if (!base || !head) return notFound();
        const cmp = g.compare(base.index, head.index);
        if (!cmp) return error(404, `No common ancestor between ${baseRef} and ${headRef}.`);
        const paged = req.query.has("page") || req.query.has("per_page");
        let listed = cmp.commits.slice(0, COMPARE_UNPAGED_LIMIT);
        let headers: Record<string, string> = {};
        if (paged) {
          const { page, perPage } = pageParams(req.query);
          listed = cmp.commits.slice((page - 1) * perPage, page * perPage);
          headers = linkHeader(req, world.api, page, Math.max(1, Math.ceil(cmp.commits.length / perPage)));
        }
        const web = `${repoWebUrl(world)}/compare/${baseRef}...${headRef}`;
        return ok(
          {
            url: `${repoApiUrl(world)}/compare/${baseRef}...${headRef}`,
            html_url: web,
            permalink_url: `${repoWebUrl(world)}/compare/${world.repo.owner.login}:${base.sha.slice(0, 7)}...${world.repo.owner.login}:${head.sha.slice(0, 7)}`,
            diff_url: `${web}.diff`,
            patch_url: `${web}.patch`,
            base_commit: commit(world, base.index),
            merge_base_commit: commit(world, cmp.mergeBase),
            status: cmp.status,
            ahead_by: cmp.aheadBy,
            behind_by: cmp.behindBy,
            total_commits: cmp.aheadBy,
            commits: listed.map((i) => commit(world, i)),
            files: [],
          },
          200,
          headers,
        );
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/commits/{ref}",
      auth: "installation",
      handler: (req) => {
        const found = g.resolve(req.params.ref!);
        return found ? ok(commit(world, found.index, true)) : error(422, `No commit found for SHA: ${req.params.ref}`);
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/commits/{commit_sha}/pulls",
      auth: "installation",
      handler: (req) => {
        const found = g.resolve(req.params.commit_sha!);
        if (!found) return error(422, `No commit found for SHA: ${req.params.commit_sha}`);
        const meta = commitMeta(found.sha, g.times[found.index]!, g.parents[found.index]!.length);
        return ok(meta.pullNumber === null ? [] : [pullRequest(world, meta.pullNumber, found.index)]);
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/contents/{path}",
      auth: "installation",
      handler: (req) => {
        const path = req.params.path!;
        const ref = req.query.get("ref");
        const onDefault = ref === null || ref === "" || g.resolve(ref)?.index === g.tip;
        if (path !== CONFIG_PATH || world.config === undefined || !onDefault) return notFound();
        const text = world.config;
        const accept = String(req.headers.accept ?? "");
        if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) return { status: 200, text, contentType: "text/plain; charset=utf-8" };
        const bytes = Buffer.from(text, "utf8");
        const sha = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
        const branch = world.repo.defaultBranch;
        const self = `${repoApiUrl(world)}/contents/${path}?ref=${branch}`;
        const html = `${repoWebUrl(world)}/blob/${branch}/${path}`;
        const gitUrl = `${repoApiUrl(world)}/git/blobs/${sha}`;
        return ok({
          type: "file",
          encoding: "base64",
          size: bytes.length,
          name: path.split("/").pop(),
          path,
          // GitHub wraps base64 content at 60 characters.
          content: (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n",
          sha,
          url: self,
          git_url: gitUrl,
          html_url: html,
          download_url: `${world.web}/raw/${world.repo.owner.login}/${world.repo.name}/${branch}/${path}`,
          _links: { self, git: gitUrl, html },
        });
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/collaborators/{username}/permission",
      auth: "installation",
      handler: (req) => {
        const who = world.user(req.params.username!);
        const role = world.role(who.login);
        return ok({
          permission: legacyPermission(role),
          role_name: role,
          user: {
            ...user(world, who),
            permissions: {
              admin: role === "admin",
              maintain: role === "admin" || role === "maintain",
              push: ["admin", "maintain", "write"].includes(role),
              triage: ["admin", "maintain", "write", "triage"].includes(role),
              pull: role !== "none",
            },
            role_name: role,
          },
        });
      },
    },
  ];
}

/** The `permission` field keeps GitHub's old four levels: maintain reads as write, triage as read. */
function legacyPermission(role: Role): string {
  if (role === "maintain") return "write";
  if (role === "triage") return "read";
  return role;
}
