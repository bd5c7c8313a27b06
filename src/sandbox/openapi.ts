// GitHub's published OpenAPI description (from @octokit/openapi): the operations, parameters and schemas the sandbox checks requests against.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export type Schema = {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  maxProperties?: number;
  format?: string;
  [key: string]: unknown;
};

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
  "x-multi-segment"?: boolean;
}

export interface Operation {
  operationId: string;
  parameters: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

interface Document {
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
}

/** api.github.com is the superset (it knows `return_run_details`); GHES behaviour differences are modelled explicitly. */
const SPEC_FILE = "@octokit/openapi/generated/api.github.com.json";

let cached: OpenApi | undefined;

/** Parsing the 13 MB description takes ~0.2 s, so one copy serves every sandbox in the process. */
export function openApi(): OpenApi {
  cached ??= new OpenApi(JSON.parse(readFileSync(createRequire(import.meta.url).resolve(SPEC_FILE), "utf8")) as Document);
  return cached;
}

export class OpenApi {
  constructor(private readonly doc: Document) {}

  operation(method: string, template: string): Operation | undefined {
    const op = this.doc.paths[template]?.[method.toLowerCase()] as Operation | undefined;
    if (!op) return undefined;
    return { ...op, parameters: (op.parameters ?? []).map((p) => this.deref(p as Parameter)) };
  }

  requestSchema(op: Operation): Schema | undefined {
    return op.requestBody?.content?.["application/json"]?.schema;
  }

  responseSchema(op: Operation, status: number): Schema | undefined {
    const response = this.deref(op.responses[String(status)] ?? {}) as Operation["responses"][string];
    return response.content?.["application/json"]?.schema;
  }

  /** Component schemas by name, e.g. "webhook-issue-comment-edited". */
  schema(name: string): Schema | undefined {
    return this.doc.components.schemas?.[name] as Schema | undefined;
  }

  /** Follows local `#/components/...` references; the description has no remote ones. */
  deref<T>(node: T): T {
    let current = node as { $ref?: string };
    for (let hops = 0; current && typeof current.$ref === "string"; hops++) {
      if (hops > 32) throw new Error(`reference cycle at ${current.$ref}`);
      const parts = current.$ref.replace(/^#\//, "").split("/");
      let target: unknown = this.doc;
      for (const part of parts) target = (target as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
      if (target === undefined) throw new Error(`dangling reference ${current.$ref}`);
      current = target as { $ref?: string };
    }
    return current as T;
  }
}
