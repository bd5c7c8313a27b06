// Child process of the memory section: an embedded PGlite store alone, filled with hunts through the app's queries, measured after GC.
import { type Store, openStore } from "../src/db/client.js";
import { loadSnapshot } from "../src/db/queries/hunts.js";
import { serve } from "./child.js";
import { settledMemory } from "./gc.js";
import { type SeedHunt, type SeedRepo, seedHunts } from "./seed.js";

export type StoreRequest =
  | { readonly kind: "open"; readonly dataDir: string }
  | { readonly kind: "seed"; readonly repo: SeedRepo; readonly hunts: readonly SeedHunt[] }
  /** The same reads as `seed` does for that many hunts, all of one hunt already stored: activity without growth. */
  | { readonly kind: "reread"; readonly times: number }
  | { readonly kind: "measure" }
  | { readonly kind: "stop" };

let store: Store | undefined;
let firstHunt: number | undefined;

function opened(): Store {
  if (!store) throw new Error("store not open");
  return store;
}

serve<StoreRequest>(
  async (request) => {
    switch (request.kind) {
      case "open":
        store = await openStore({ dataDir: request.dataDir });
        await opened().migrate();
        return null;
      case "seed":
        // Each hunt read back once, as the app reads it for every event: its pages are then in PGlite's cache, as they would be.
        firstHunt ??= (await seedHunts(opened().db, request.repo, request.hunts, true))[0]?.huntId;
        return null;
      case "reread":
        if (firstHunt === undefined) throw new Error("reread before any hunt was seeded");
        for (let i = 0; i < request.times; i++) await loadSnapshot(opened().db, firstHunt);
        return null;
      case "measure":
        return settledMemory();
      case "stop":
        await store?.close();
        store = undefined;
        return null;
    }
  },
  async () => {
    await store?.close();
  },
);
