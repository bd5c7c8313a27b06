// `.github/locate.yml` behind nock, answered the way GitHub answers Probot's config plugin: the raw media type,
// first in the repository, then (when absent there) in the owner's `.github` repository.
// Register these BEFORE constructing NockGitHub: nock answers with the first matching interceptor, and NockGitHub
// answers every other `/contents/` request with 404.
import nock from "nock";
import { API } from "./nock-github.js";
import { REPO } from "./payloads.js";

/** The file's text, or 404 for "no such file". */
export type ConfigFile = string | 404;

export interface ConfigServer {
  /** Paths of the config requests that were answered here, in order. */
  readonly requests: string[];
  /** True once every file given was requested. */
  isDone(): boolean;
}

const CONFIG_PATH = ".github%2Flocate.yml";
const RAW = "application/vnd.github.v3.raw";

export function contentsPath(repo: string): string {
  return `/repos/${REPO.owner}/${repo}/contents/${CONFIG_PATH}`;
}

export function serveRepoConfig(files: { readonly repo: ConfigFile; readonly org?: ConfigFile }): ConfigServer {
  const requests: string[] = [];
  const scope = nock(API);
  const serve = (repo: string, file: ConfigFile) => {
    scope
      .get(contentsPath(repo))
      // The plugin asks for the raw file; a JSON (directory) answer would mean something else entirely.
      .matchHeader("accept", RAW)
      .reply(() => {
        requests.push(contentsPath(repo));
        return file === 404 ? [404, { message: "Not Found" }] : [200, file, { "content-type": "text/plain; charset=utf-8" }];
      });
  };
  serve(REPO.repo, files.repo);
  if (files.org !== undefined) serve(".github", files.org);
  return { requests, isDone: () => scope.isDone() };
}
