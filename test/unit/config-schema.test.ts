// The JSON Schema editors use for .github/locate.yml is generated from the zod schema and kept in step with it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RepoConfig, repoConfigJsonSchema } from "../../src/config/repo-config.js";

describe("schema/locate.schema.json", () => {
  const committed = JSON.parse(readFileSync(new URL("../../schema/locate.schema.json", import.meta.url), "utf8")) as Record<string, unknown>;

  it("is what `npm run schema` generates from the zod schema today", () => {
    expect(committed).toEqual(repoConfigJsonSchema());
  });

  it("lists every key of the file, refuses unknown ones, and describes each", () => {
    const properties = committed.properties as Record<string, { description?: string }>;
    expect(Object.keys(properties).sort()).toEqual(Object.keys(RepoConfig.parse({})).concat("dispatch-ref").sort());
    expect(committed.additionalProperties).toBe(false);
    for (const [key, property] of Object.entries(properties)) expect(property.description, key).toMatch(/\w/);
  });

  it("gives editors the ranges and defaults of confidence and flake-rate", () => {
    const properties = committed.properties as Record<string, Record<string, unknown>>;
    expect(properties.confidence).toMatchObject({ type: "number", minimum: 0.9, maximum: 0.9999, default: 0.99 });
    expect(properties["flake-rate"]).toMatchObject({ type: "number", minimum: 0, maximum: 0.3, default: 0.05 });
    expect(properties.parallel).toMatchObject({ type: "integer", minimum: 1, maximum: 10, default: 3 });
    expect(properties.parallel?.description).toMatch(/in flight at once/);
  });

  it("no longer offers the retired keys, so editors flag them", () => {
    const properties = committed.properties as Record<string, unknown>;
    for (const key of ["repeat", "fail-threshold", "verify-endpoints", "confirm"]) expect(properties, key).not.toHaveProperty(key);
  });
});
