// Seeded randomness and stable hashes, so every sandbox scenario replays identically from its seed.
import { createHash } from "node:crypto";

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(rate: number): boolean;
}

/** mulberry32: tiny, fast and good enough for simulation; not for secrets. */
export function prng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error("prng.pick from an empty list");
      return items[Math.floor(next() * items.length)] as never;
    },
    chance: (rate) => rate > 0 && next() < rate,
  };
}

/** A 32-bit seed derived from any parts, so independent streams (per run, per ref) do not depend on call order. */
export function seedFrom(...parts: ReadonlyArray<string | number>): number {
  return createHash("sha256").update(parts.join("\u0000")).digest().readUInt32BE(0);
}

export function sha1Hex(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** Stable 32-bit number from a string (e.g. a commit SHA), used to derive fake metadata deterministically. */
export function hash32(text: string): number {
  return seedFrom(text);
}
