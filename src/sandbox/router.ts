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

function matchSegments(segments: Compiled["segments"], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if ("literal" in seg) {
      if (parts[i] !== seg.literal) return undefined;
      continue;
    }
    if (seg.multi) {
      // Multi-segment params only ever end a template in the routes the sandbox models.
      if (i !== segments.length - 1) throw new Error("multi-segment parameter must be last");
      const rest = parts.slice(i).join("/");
      if (rest === "") return undefined;
      params[seg.param] = safeDecode(rest);
      return params;
    }
    const part = parts[i];
    if (part === undefined || part === "") return undefined;
    params[seg.param] = safeDecode(part);
  }
  return parts.length === segments.length ? params : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
