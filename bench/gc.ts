// Memory of this process after forced garbage collection, for the child processes of the memory section.

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  /** V8 heap pages committed: after GC they stay resident although not used, which is why RSS grows more than heapUsed. */
  readonly heapTotal: number;
  readonly external: number;
}

export async function settledMemory(): Promise<MemorySample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("memory needs --expose-gc");
  // Several passes with turns of the event loop between them, so finalizers and weak references settle first.
  for (let pass = 0; pass < 4; pass++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external };
}
