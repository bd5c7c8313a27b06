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
});
