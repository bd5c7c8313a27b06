// Free ports for the servers the benchmark starts: Probot's Server cannot listen on port 0.
import { freePort } from "../src/sandbox/ports.js";

export { freePort };

/** Retries a start whose port was taken between asking for it and listening on it. */
export async function withFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= 3 || (error as { code?: string }).code !== "EADDRINUSE") throw error;
    }
  }
}
