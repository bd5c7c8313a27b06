// Route table keyed by GitHub's OpenAPI path templates, matching raw request paths (multi-segment params like {path} and {basehead} included).
import type { IncomingHttpHeaders } from "node:http";

export type AuthKind = "jwt" | "installation";

export interface ApiRequest {
  method: string;
  /** "GET /repos/{owner}/{repo}/tags" */
  route: string;
  /** The path below /api/v3, undecoded. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  /** A non-JSON body (raw file contents). */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: ApiRequest) => ApiResponse | Promise<ApiResponse>;

export interface RouteDef {
  method: string;
  template: string;
  auth: AuthKind;
  handler: Handler;
}

interface Compiled extends RouteDef {
  segments: Array<{ literal: string } | { param: string; multi: boolean }>;
}

export class Router {
  private readonly routes: Compiled[] = [];

  /** `multiSegment` names the params that may span slashes (OpenAPI's x-multi-segment). */
  add(def: RouteDef, multiSegment: ReadonlySet<string>): void {
    const segments = def.template
      .split("/")
      .slice(1)
      .map((s) => {
        const m = /^\{([^}]+)\}$/.exec(s);
        return m ? { param: m[1]!, multi: multiSegment.has(m[1]!) } : { literal: s };
      });
    this.routes.push({ ...def, segments });
    // Multi-segment params ({ref}, {commit_sha}) could swallow "…/pulls"; trying routes with more literals first prevents that.
    this.routes.sort((a, b) => literalCount(b) - literalCount(a));
  }

  get all(): readonly RouteDef[] {
    return this.routes;
  }

  match(method: string, path: string): { route: RouteDef; params: Record<string, string> } | undefined {
    const parts = path.split("/").slice(1);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = matchSegments(route.segments, parts);
      if (params) return { route, params };
    }
    return undefined;
  }
}

function literalCount(route: Compiled): number {
  return route.segments.filter((s) => "literal" in s).length;
}

/** Backtracking match; a multi-segment param takes one or more whole segments. */
function matchSegments(segments: Compiled["segments"], parts: string[], at = 0, from = 0): Record<string, string> | undefined {
  if (at === segments.length) return from === parts.length ? {} : undefined;
  const seg = segments[at]!;
  if ("literal" in seg) return parts[from] === seg.literal ? matchSegments(segments, parts, at + 1, from + 1) : undefined;
  const last = seg.multi ? parts.length - (segments.length - at - 1) : from + 1;
  for (let end = from + 1; end <= last; end++) {
    const taken = parts.slice(from, end);
    if (taken.some((p) => p === "")) break;
    const rest = matchSegments(segments, parts, at + 1, end);
    if (rest) return { [seg.param]: safeDecode(taken.join("/")), ...rest };
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
