// A small JSON-schema checker for the OpenAPI subset GitHub uses: types, nullable, enum, required, unknown keys, items, *Of.
import type { OpenApi, Schema } from "./openapi.js";

export interface Problem {
  /** Where in the value, e.g. ["inputs", "tag"]; empty for the root. */
  at: string[];
  kind: "missing" | "unknown" | "type" | "enum" | "size" | "shape";
  message: string;
}

export interface ValidateOptions {
  /**
   * Requests: reject keys the schema does not list (GitHub answers "is not a permitted key").
   * Responses and payloads: off, since the description does not list every field GitHub sends.
   */
  rejectUnknown: boolean;
}

export function validate(value: unknown, schema: Schema, api: OpenApi, options: ValidateOptions): Problem[] {
  const problems: Problem[] = [];
  check(value, schema, [], api, options, problems);
  return problems;
}

/** GitHub's wording for body validation failures: `Invalid request.\n\n"ref" wasn't supplied.` */
export function githubMessage(problems: readonly Problem[]): string {
  return `Invalid request.\n\n${problems.map((p) => p.message).join("\n")}`;
}

function check(value: unknown, raw: Schema, at: string[], api: OpenApi, options: ValidateOptions, out: Problem[]): void {
  const schema = flatten(api.deref(raw), api);
  const where = at.length === 0 ? "" : `For 'properties/${at.join("/properties/")}', `;
  if (value === null) {
    const alternatives = [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
    const untyped = typeList(schema).length === 0 && !schema.properties && alternatives.length === 0;
    if (schema.nullable || typeList(schema).includes("null") || untyped) return;
    if (alternatives.some((s) => accepts(null, s, api, options))) return;
    out.push({ at, kind: "type", message: `${where}nil is not ${article(typeList(schema)[0] ?? "value")}.` });
    return;
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    if (!alternatives.some((s) => accepts(value, s, api, options))) {
      out.push({ at, kind: "shape", message: `${where}${show(value)} is not a valid value (matches none of the allowed forms).` });
    }
    return;
  }
  const types = typeList(schema);
  const actual = jsonType(value);
  if (types.length > 0 && !types.some((t) => t === actual || (t === "number" && actual === "integer"))) {
    out.push({ at, kind: "type", message: `${where}${show(value)} is not ${article(types[0]!)}.` });
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    out.push({ at, kind: "enum", message: `${where}${show(value)} is not a member of ${JSON.stringify(schema.enum)}.` });
    return;
  }
  if (actual === "array" && schema.items) {
    (value as unknown[]).forEach((item, i) => check(item, schema.items!, [...at, String(i)], api, options, out));
  }
  if (actual === "object" && (schema.properties || schema.required || schema.additionalProperties !== undefined || schema.maxProperties !== undefined)) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in object)) out.push({ at: [...at, key], kind: "missing", message: `${where}"${key}" wasn't supplied.` });
    }
    for (const [key, child] of Object.entries(object)) {
      const declared = schema.properties?.[key];
      if (declared) check(child, declared, [...at, key], api, options, out);
      else if (typeof schema.additionalProperties === "object") check(child, schema.additionalProperties, [...at, key], api, options, out);
      else if (options.rejectUnknown && schema.additionalProperties !== true && (schema.additionalProperties === false || schema.properties)) {
        out.push({ at: [...at, key], kind: "unknown", message: `${where}"${key}" is not a permitted key.` });
      }
    }
    if (schema.maxProperties !== undefined && Object.keys(object).length > schema.maxProperties) {
      out.push({ at, kind: "size", message: `${where}the object has more than ${schema.maxProperties} properties.` });
    }
  }
}

function accepts(value: unknown, schema: Schema, api: OpenApi, options: ValidateOptions): boolean {
  const problems: Problem[] = [];
  check(value, schema, [], api, options, problems);
  return problems.length === 0;
}

/** allOf is used for composition in the description; merging keeps unknown-key checks meaningful. */
function flatten(schema: Schema, api: OpenApi): Schema {
  if (!schema.allOf) return schema;
  const parts = schema.allOf.map((s) => flatten(api.deref(s), api));
  const merged: Schema = { ...schema, allOf: undefined };
  for (const part of parts) {
    merged.type ??= part.type;
    merged.properties = { ...(merged.properties ?? {}), ...(part.properties ?? {}) };
    merged.required = [...(merged.required ?? []), ...(part.required ?? [])];
    if (part.nullable) merged.nullable = true;
    if (part.additionalProperties !== undefined) merged.additionalProperties ??= part.additionalProperties;
  }
  delete merged.allOf;
  return merged;
}

function typeList(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === "string") return [schema.type];
  return [];
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (typeof value === "bigint") return "integer";
  return typeof value;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
