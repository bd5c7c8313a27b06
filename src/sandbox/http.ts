// GitHub-style error bodies and page/per_page pagination with Link headers.
import type { ApiRequest, ApiResponse } from "./router.js";

const DOCS = "https://docs.github.com/enterprise-server@3.17/rest";

export function error(status: number, message: string, extra: Record<string, unknown> = {}): ApiResponse {
  return { status, body: { message, documentation_url: DOCS, status: String(status), ...extra } };
}

export const notFound = (): ApiResponse => error(404, "Not Found");

export function ok(body: unknown, status = 200, headers?: Record<string, string>): ApiResponse {
  return headers ? { status, body, headers } : { status, body };
}

export interface PageOptions {
  defaultPerPage?: number;
  maxPerPage?: number;
}

/** GitHub clamps per_page to 100 and treats junk as the default; pages start at 1. */
export function pageParams(query: URLSearchParams, options: PageOptions = {}): { page: number; perPage: number } {
  const defaultPerPage = options.defaultPerPage ?? 30;
  const maxPerPage = options.maxPerPage ?? 100;
  const perPageRaw = Number.parseInt(query.get("per_page") ?? "", 10);
  const pageRaw = Number.parseInt(query.get("page") ?? "", 10);
  const perPage = Number.isFinite(perPageRaw) && perPageRaw > 0 ? Math.min(perPageRaw, maxPerPage) : defaultPerPage;
  const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  return { page, perPage };
}

export function paginate<T>(items: readonly T[], req: ApiRequest, apiBase: string, options: PageOptions = {}): { items: T[]; headers: Record<string, string> } {
  const { page, perPage } = pageParams(req.query, options);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  return { items: items.slice((page - 1) * perPage, page * perPage), headers: linkHeader(req, apiBase, page, last) };
}

export function linkHeader(req: ApiRequest, apiBase: string, page: number, last: number): Record<string, string> {
  const url = (p: number): string => {
    const q = new URLSearchParams(req.query);
    q.set("page", String(p));
    return `<${apiBase}${req.path}?${q.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${url(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) links.push(`${url(page + 1)}; rel="next"`, `${url(last)}; rel="last"`);
  if (page > 1) links.push(`${url(1)}; rel="first"`);
  return links.length > 0 ? { link: links.join(", ") } : {};
}
