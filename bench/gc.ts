// Memory of this process after forced garbage collection, for the child processes of the memory section.

import { readFileSync } from "node:fs";

export interface MemorySample {
  readonly rss: number;
  /** Linux: the anonymous part of RSS (heaps, WASM memory), which cannot be paged out without swap; rss elsewhere. */
  readonly rssAnon: number;
  /** Linux: the file-backed part of RSS (code of node and its libraries), which the kernel drops and reloads at will. */
  readonly rssFile: number;
  readonly heapUsed: number;
  /** V8 heap pages committed: after GC they stay resident although not used, which is part of why RSS moves more than heapUsed. */
  readonly heapTotal: number;
  readonly external: number;
}

const SAMPLES = 5;
const SPACING_MS = 200;

/**
 * RSS right after a burst of work still holds memory the allocators give back over the next moments, so a single
 * reading swings by tens of megabytes. Several forced GCs, then the lowest of a few readings spread over a second:
 * the resident floor, which is what the process keeps.
 */
export async function settledMemory(): Promise<MemorySample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("memory needs --expose-gc");
  let lowest: MemorySample | undefined;
  for (let sample = 0; sample < SAMPLES; sample++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
    gc();
    const usage = process.memoryUsage();
    const { anon, file } = residentParts(usage.rss);
    if (!lowest || usage.rss < lowest.rss) lowest = { rss: usage.rss, rssAnon: anon, rssFile: file, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external };
  }
  return lowest as MemorySample;
}

function residentParts(rss: number): { anon: number; file: number } {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
    const anon = kb("RssAnon");
    const file = kb("RssFile");
    if (Number.isFinite(anon) && Number.isFinite(file)) return { anon, file };
  } catch {
    // Not Linux: no split available.
  }
  return { anon: rss, file: 0 };
}
