// Writes schema/locate.schema.json, the JSON Schema of .github/locate.yml for editors, from the zod schema (§6).
import { writeFileSync } from "node:fs";
import { repoConfigJsonSchema } from "../src/config/repo-config.js";

const target = new URL("../schema/locate.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(repoConfigJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
