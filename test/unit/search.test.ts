// Unit and property tests of the pure search core (§5): interval, verdict rules, picks, candidates, rounds.
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { analyzeSearch, roundsNeeded } from "../../src/search/index.js";
import type { Observation, SearchView, Verdict } from "../../src/search/index.js";

interface Scenario {
  readonly size: number;
  readonly observations?: readonly Observation[];
  readonly pending?: readonly number[];
  readonly parallel?: number;
  readonly candidates?: number;
}

function analyze(scenario: Scenario): SearchView {
  return analyzeSearch(
    { size: scenario.size, observations: scenario.observations ?? [], pending: scenario.pending ?? [] },
    { parallel: scenario.parallel ?? 1, candidates: scenario.candidates ?? 10 },
  );
}

/** Observations from [position, verdict] pairs, seq in array order. */
function verdicts(...entries: ReadonlyArray<readonly [number, Verdict]>): Observation[] {
  return entries.map(([position, verdict], index) => ({ position, verdict, seq: index + 1 }));
}

function range(from: number, toInclusive: number): number[] {
  const out: number[] = [];
  for (let p = from; p <= toInclusive; p++) out.push(p);
  return out;
}

function isStrictlyAscending(values: readonly number[]): boolean {
  return values.every((value, index) => index === 0 || (values[index - 1] as number) < value);
}

describe("roundsNeeded", () => {
  it.each([
    [0, 1, 0],
    [0, 3, 0],
    [-4, 2, 0],
    [1, 1, 1],
    [2, 1, 2],
    [3, 1, 2],
    [4, 1, 3],
    [3, 3, 1],
    [4, 3, 2],
    [15, 3, 2],
    [16, 3, 3],
    [99, 9, 2],
    [100, 9, 3],
    [1023, 1, 10],
    [1024, 1, 11],
    [99_998, 10, 5],
  ])("roundsNeeded(%i, %i) = %i", (versionsLeft, k, expected) => {
    expect(roundsNeeded(versionsLeft, k)).toBe(expected);
  });
});

describe("open interval", () => {
  it("defaults the endpoints to good and bad when nothing is observed", () => {
    const view = analyze({ size: 10 });
    expect(view.lastGood).toBe(0);
    expect(view.firstBad).toBe(9);
    expect(view.untested).toEqual(range(1, 8));
    expect(view.inFlight).toEqual([]);
    expect(view.done).toBe(false);
    expect(view.possibleFirstBad).toEqual([]);
    expect(view.contradictions).toEqual([]);
    expect(view.roundsLeft).toBe(4);
  });

  it("narrows to the highest good below the lowest bad", () => {
    const view = analyze({ size: 10, observations: verdicts([3, "good"], [1, "good"], [7, "bad"], [8, "bad"]) });
    expect(view.lastGood).toBe(3);
    expect(view.firstBad).toBe(7);
    expect(view.untested).toEqual([4, 5, 6]);
  });

  it("ignores goods above the first bad when choosing the last good", () => {
    const view = analyze({ size: 10, observations: verdicts([2, "good"], [4, "bad"], [6, "good"]) });
    expect(view.lastGood).toBe(2);
    expect(view.firstBad).toBe(4);
    expect(view.untested).toEqual([3]);
  });

  it("is done at once for two versions", () => {
    const view = analyze({ size: 2, parallel: 3 });
    expect(view).toMatchObject({ lastGood: 0, firstBad: 1, done: true, possibleFirstBad: [1], roundsLeft: 0 });
    expect(view.picks).toEqual([]);
    expect(view.candidates).toEqual([]);
  });

  it("names exactly one first bad when the ends are adjacent", () => {
    const view = analyze({ size: 10, observations: verdicts([4, "good"], [5, "bad"]) });
    expect(view.done).toBe(true);
    expect(view.possibleFirstBad).toEqual([5]);
    expect(view.roundsLeft).toBe(0);
  });
});

describe("newest verdict wins", () => {
  it("uses the highest seq, whatever the array order", () => {
    const later: Observation = { position: 5, verdict: "good", seq: 9 };
    const earlier: Observation = { position: 5, verdict: "bad", seq: 2 };
    for (const observations of [[earlier, later], [later, earlier]]) {
      const view = analyze({ size: 10, observations });
      expect(view.lastGood).toBe(5);
      expect(view.firstBad).toBe(9);
    }
  });

  it("lets a retry turn a good into a bad", () => {
    const view = analyze({ size: 10, observations: verdicts([5, "good"], [5, "bad"]) });
    expect(view.lastGood).toBe(0);
    expect(view.firstBad).toBe(5);
  });

  it("lets a retry replace an inconclusive verdict", () => {
    const view = analyze({ size: 10, observations: verdicts([3, "good"], [4, "inconclusive"], [5, "bad"], [4, "bad"]) });
    expect(view.firstBad).toBe(4);
    expect(view.done).toBe(true);
    expect(view.possibleFirstBad).toEqual([4]);
  });

  it("breaks a seq tie by array order, later wins", () => {
    const view = analyze({
      size: 10,
      observations: [
        { position: 5, verdict: "bad", seq: 3 },
        { position: 5, verdict: "good", seq: 3 },
      ],
    });
    expect(view.lastGood).toBe(5);
  });

  it("lets a verdict on an endpoint override its default", () => {
    const view = analyze({ size: 10, observations: verdicts([9, "good"]) });
    expect(view.firstBad).toBe(9);
    expect(view.contradictions).toEqual([9]);
  });
});

describe("contradictions", () => {
  it.each<[string, Observation[], number[]]>([
    ["none in a consistent history", verdicts([2, "good"], [6, "bad"]), []],
    ["a good after the first bad", verdicts([2, "good"], [4, "bad"], [6, "good"], [7, "bad"], [8, "good"]), [6, 8]],
    ["a bad good end", verdicts([0, "bad"]), [0]],
    ["a bad good end and a good after a bad", verdicts([0, "bad"], [5, "bad"], [8, "good"]), [0, 8]],
    ["the bad end observed good with nothing bad", verdicts([9, "good"]), [9]],
    ["an inconclusive after a bad is no contradiction", verdicts([4, "bad"], [6, "inconclusive"]), []],
  ])("%s", (_name, observations, expected) => {
    expect(analyze({ size: 10, observations }).contradictions).toEqual(expected);
  });

  it("keeps searching above a bad good end", () => {
    const view = analyze({ size: 10, observations: verdicts([0, "bad"]) });
    expect(view.lastGood).toBe(0);
    expect(view.firstBad).toBe(9);
    expect(view.untested).toEqual(range(1, 8));
  });
});

describe("inconclusive versions", () => {
  it("gives a range of possible first bad versions when only skipped ones separate the ends", () => {
    const view = analyze({
      size: 10,
      observations: verdicts([2, "good"], [3, "inconclusive"], [4, "inconclusive"], [5, "bad"]),
    });
    expect(view.done).toBe(true);
    expect(view.untested).toEqual([]);
    expect(view.possibleFirstBad).toEqual([3, 4, 5]);
    expect(view.roundsLeft).toBe(0);
  });

  it("is not done while an untested version remains next to skipped ones", () => {
    const view = analyze({ size: 10, observations: verdicts([2, "good"], [3, "inconclusive"], [6, "bad"]) });
    expect(view.done).toBe(false);
    expect(view.untested).toEqual([4, 5]);
    expect(view.possibleFirstBad).toEqual([]);
    expect(view.roundsLeft).toBe(2);
  });

  it("replaces an inconclusive pick by the nearest untested version, lower on a tie", () => {
    expect(analyze({ size: 11, observations: verdicts([5, "inconclusive"]) }).picks).toEqual([4]);
    expect(analyze({ size: 11, observations: verdicts([4, "inconclusive"], [5, "inconclusive"]) }).picks).toEqual([6]);
  });
});

describe("runs in flight", () => {
  it("counts pending versions as in flight, so the hunt is not done", () => {
    const view = analyze({ size: 10, observations: verdicts([2, "good"], [4, "bad"]), pending: [3] });
    expect(view.inFlight).toEqual([3]);
    expect(view.untested).toEqual([]);
    expect(view.done).toBe(false);
    expect(view.picks).toEqual([]);
    expect(view.possibleFirstBad).toEqual([]);
    expect(view.roundsLeft).toBe(1);
  });

  it("treats a retry of an inconclusive version as in flight", () => {
    const view = analyze({ size: 10, observations: verdicts([2, "good"], [3, "inconclusive"], [4, "bad"]), pending: [3] });
    expect(view.inFlight).toEqual([3]);
    expect(view.done).toBe(false);
  });

  it("ignores pending versions outside the open interval", () => {
    const view = analyze({ size: 10, observations: verdicts([2, "good"], [3, "bad"]), pending: [1, 3, 7, 7] });
    expect(view.inFlight).toEqual([]);
    expect(view.done).toBe(true);
  });

  it("never picks an in-flight version and splits the gaps beside it", () => {
    expect(analyze({ size: 11, pending: [5] }).picks).toEqual([3]);
    expect(analyze({ size: 11, pending: [5], parallel: 2 }).picks).toEqual([3, 8]);
    expect(analyze({ size: 11, pending: [5], parallel: 2 }).untested).toEqual([1, 2, 3, 4, 6, 7, 8, 9]);
  });

  it("puts the picks into the widest gap between runs in flight", () => {
    // Gaps (0,2) and (2,20): the single pick belongs in the middle of the wide one.
    expect(analyze({ size: 21, pending: [2] }).picks).toEqual([11]);
  });
});

describe("picks", () => {
  it.each<[string, Scenario, number[]]>([
    ["k=1 takes the midpoint of an odd span", { size: 11 }, [5]],
    ["k=1 rounds a half midpoint up", { size: 10 }, [5]],
    ["k=1 takes the midpoint of the open interval", { size: 20, observations: verdicts([3, "good"], [9, "bad"]) }, [6]],
    ["k=2 splits into thirds", { size: 10, parallel: 2 }, [3, 6]],
    ["k=3 splits into quarters", { size: 9, parallel: 3 }, [2, 4, 6]],
    ["k=3 splits sixteen into fours", { size: 17, parallel: 3 }, [4, 8, 12]],
    ["k=3 near-equal parts when the span does not divide", { size: 10, parallel: 3 }, [2, 5, 7]],
    ["k larger than the untested versions takes them all", { size: 4, parallel: 5 }, [1, 2]],
    ["k=5 over a hundred", { size: 101, parallel: 5 }, [17, 33, 50, 67, 83]],
  ])("%s", (_name, scenario, expected) => {
    expect(analyze(scenario).picks).toEqual(expected);
  });

  it("picks nothing once done", () => {
    expect(analyze({ size: 10, observations: verdicts([4, "good"], [5, "bad"]), parallel: 3 }).picks).toEqual([]);
  });
});

describe("candidates", () => {
  it("spreads the requested number evenly, picks included", () => {
    const view = analyze({ size: 101, parallel: 3, candidates: 10 });
    expect(view.picks).toEqual([25, 50, 75]);
    expect(view.candidates).toEqual([8, 17, 25, 33, 42, 50, 58, 67, 75, 88]);
  });

  it("shows every untested version when there are few", () => {
    expect(analyze({ size: 6, candidates: 10 }).candidates).toEqual([1, 2, 3, 4]);
  });

  it("keeps all picks even when they outnumber the requested count", () => {
    const view = analyze({ size: 101, parallel: 5, candidates: 3 });
    expect(view.candidates).toEqual(view.picks);
    expect(view.candidates).toHaveLength(5);
  });

  it("offers only untested versions inside the open interval", () => {
    const view = analyze({
      size: 40,
      observations: verdicts([5, "good"], [30, "bad"], [10, "inconclusive"], [11, "inconclusive"], [35, "good"]),
      pending: [20, 21],
      parallel: 2,
      candidates: 8,
    });
    expect(view.candidates).toHaveLength(8);
    expect(isStrictlyAscending(view.candidates)).toBe(true);
    for (const candidate of view.candidates) expect(view.untested).toContain(candidate);
    for (const pick of view.picks) expect(view.candidates).toContain(pick);
  });
});

describe("input checks", () => {
  it.each<[string, Scenario]>([
    ["size below 2", { size: 1 }],
    ["fractional size", { size: 4.5 }],
    ["observation outside the range", { size: 5, observations: verdicts([5, "bad"]) }],
    ["negative pending position", { size: 5, pending: [-1] }],
    ["parallel of zero", { size: 5, parallel: 0 }],
  ])("rejects %s", (_name, scenario) => {
    expect(() => analyze(scenario)).toThrow(RangeError);
  });
});

describe("performance", () => {
  it("analyzes 100,000 versions with thousands of observations consistently", () => {
    const size = 100_000;
    const observations: Observation[] = [];
    // Deterministic scatter: goods below 60,000, bads above, inconclusives sprinkled in between.
    for (let i = 0; i < 5_000; i++) {
      const position = (i * 7_919) % size;
      const verdict: Verdict = i % 7 === 0 ? "inconclusive" : position < 60_000 ? "good" : "bad";
      observations.push({ position, verdict, seq: i });
    }
    const pending = range(1, 2_000).map((i) => (i * 31) % size);
    const options = { parallel: 10, candidates: 20 };
    // Both shapes: a narrow interval after many verdicts, and the untouched full range.
    const inputs = [
      { size, observations, pending },
      { size, observations: [], pending },
    ];
    for (const input of inputs) {
      const view = analyzeSearch(input, options);
      expect(view.picks.length).toBeLessThanOrEqual(10);
      expect(view.candidates.length).toBeLessThanOrEqual(20);
      for (const pick of view.picks) expect(pick > view.lastGood && pick < view.firstBad).toBe(true);
    }
  });
});

/** Records the hidden truth for each pick and returns the final view, checking every round. */
function runAutoPilot(
  size: number,
  k: number,
  truth: (position: number) => Verdict,
): { final: SearchView; rounds: number; tested: Set<number>; roundsLeftAtStart: number } {
  const observations: Observation[] = [];
  const tested = new Set<number>();
  let seq = 0;
  let rounds = 0;
  let view = analyze({ size, observations, parallel: k });
  const roundsLeftAtStart = view.roundsLeft;
  while (!view.done) {
    expect(view.picks.length).toBe(Math.min(k, view.untested.length));
    expect(isStrictlyAscending(view.picks)).toBe(true);
    for (const pick of view.picks) {
      expect(pick).toBeGreaterThan(view.lastGood);
      expect(pick).toBeLessThan(view.firstBad);
      expect(tested.has(pick)).toBe(false);
    }
    const dispatched = analyze({ size, observations, pending: view.picks, parallel: k });
    expect(dispatched.inFlight).toEqual(view.picks);
    expect(dispatched.picks.some((pick) => view.picks.includes(pick))).toBe(false);

    rounds += 1;
    for (const pick of view.picks) {
      tested.add(pick);
      observations.push({ position: pick, verdict: truth(pick), seq: seq++ });
    }
    if (rounds > size) throw new Error("auto-pilot did not finish");
    view = analyze({ size, observations, parallel: k });
  }
  return { final: view, rounds, tested, roundsLeftAtStart };
}

const huntCase = fc
  .integer({ min: 2, max: 2000 })
  .chain((size) =>
    fc.record({
      size: fc.constant(size),
      k: fc.integer({ min: 1, max: 10 }),
      trueFirstBad: fc.integer({ min: 1, max: size - 1 }),
    }),
  );

describe("auto-pilot hunt (property)", () => {
  it("finds exactly the first bad within the round estimate, testing nothing twice", () => {
    fc.assert(
      fc.property(huntCase, ({ size, k, trueFirstBad }) => {
        const { final, rounds, tested, roundsLeftAtStart } = runAutoPilot(size, k, (p) =>
          p < trueFirstBad ? "good" : "bad",
        );
        expect(final.possibleFirstBad).toEqual([trueFirstBad]);
        expect(final.firstBad).toBe(trueFirstBad);
        expect(final.lastGood).toBe(trueFirstBad - 1);
        expect(final.contradictions).toEqual([]);
        expect(roundsLeftAtStart).toBe(roundsNeeded(size - 2, k));
        // Near-equal splits make the estimate exact as a worst case, tighter than the +1 slack.
        expect(rounds).toBeLessThanOrEqual(roundsNeeded(size - 2, k));
        expect(tested.has(0) || tested.has(size - 1)).toBe(false);
      }),
      { seed: 5_2024, numRuns: 400 },
    );
  });

  it("splits any clean open interval into near-equal parts", () => {
    const intervalCase = fc.integer({ min: 2, max: 2000 }).chain((size) =>
      fc
        .tuple(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: 0, max: size - 1 }))
        .filter(([a, b]) => a !== b)
        .map(([a, b]) => ({ size, lastGood: Math.min(a, b), firstBad: Math.max(a, b) })),
    );
    fc.assert(
      fc.property(intervalCase, fc.integer({ min: 1, max: 10 }), ({ size, lastGood, firstBad }, k) => {
        const view = analyze({ size, observations: verdicts([lastGood, "good"], [firstBad, "bad"]), parallel: k });
        expect([view.lastGood, view.firstBad]).toEqual([lastGood, firstBad]);
        const width = firstBad - lastGood;
        const parts = view.picks.length + 1;
        expect(parts).toBe(Math.min(k + 1, width));
        const points = [lastGood, ...view.picks, firstBad];
        for (let i = 1; i < points.length; i++) {
          const part = (points[i] as number) - (points[i - 1] as number);
          expect(part).toBeGreaterThanOrEqual(Math.floor(width / parts));
          expect(part).toBeLessThanOrEqual(Math.ceil(width / parts));
        }
      }),
      { seed: 7_2024, numRuns: 300 },
    );
  });

  it("brackets the first bad with a contiguous range when some versions are always inconclusive", () => {
    const skipCase = fc.integer({ min: 3, max: 2000 }).chain((size) =>
      fc.record({
        size: fc.constant(size),
        k: fc.integer({ min: 1, max: 10 }),
        trueFirstBad: fc.integer({ min: 1, max: size - 1 }),
        blockBefore: fc.integer({ min: 0, max: 40 }),
        blockAfter: fc.integer({ min: -1, max: 40 }),
        scattered: fc.uniqueArray(fc.integer({ min: 1, max: size - 2 }), { maxLength: 150 }),
      }),
    );
    fc.assert(
      fc.property(skipCase, ({ size, k, trueFirstBad, blockBefore, blockAfter, scattered }) => {
        // A block of skipped versions around the true first bad makes the range answer likely.
        const skipped = new Set(scattered);
        for (let p = trueFirstBad - blockBefore; p <= trueFirstBad + blockAfter; p++) {
          if (p >= 1 && p <= size - 2) skipped.add(p);
        }
        const { final, tested } = runAutoPilot(size, k, (p) =>
          skipped.has(p) ? "inconclusive" : p < trueFirstBad ? "good" : "bad",
        );

        let expectedLastGood = trueFirstBad - 1;
        while (expectedLastGood > 0 && skipped.has(expectedLastGood)) expectedLastGood--;
        let expectedFirstBad = trueFirstBad;
        while (expectedFirstBad < size - 1 && skipped.has(expectedFirstBad)) expectedFirstBad++;

        expect(final.possibleFirstBad).toContain(trueFirstBad);
        expect(final.lastGood).toBe(expectedLastGood);
        expect(final.firstBad).toBe(expectedFirstBad);
        expect(final.possibleFirstBad).toEqual(range(final.lastGood + 1, final.firstBad));
        for (const p of final.possibleFirstBad.slice(0, -1)) expect(skipped.has(p)).toBe(true);
        expect(final.contradictions).toEqual([]);
        expect(tested.has(0) || tested.has(size - 1)).toBe(false);
      }),
      { seed: 9_2024, numRuns: 200 },
    );
  });
});

describe("view invariants under arbitrary verdicts (property)", () => {
  const verdictArb = fc.constantFrom<Verdict>("good", "bad", "inconclusive");
  const stateCase = fc.integer({ min: 2, max: 300 }).chain((size) =>
    fc.record({
      size: fc.constant(size),
      k: fc.integer({ min: 1, max: 10 }),
      candidates: fc.integer({ min: 3, max: 20 }),
      observations: fc.array(
        fc.record({
          position: fc.integer({ min: 0, max: size - 1 }),
          verdict: verdictArb,
          seq: fc.integer({ min: 0, max: 50 }),
        }),
        { maxLength: 60 },
      ),
      pending: fc.array(fc.integer({ min: 0, max: size - 1 }), { maxLength: 20 }),
    }),
  );

  it("matches a naive reading of the rules", () => {
    fc.assert(
      fc.property(stateCase, ({ size, k, candidates, observations, pending }) => {
        const view = analyze({ size, observations, pending, parallel: k, candidates });

        // Naive current verdicts: stable sort by seq, later entries overwrite earlier ones.
        const current = new Map<number, Verdict>([
          [0, "good"],
          [size - 1, "bad"],
        ]);
        const bySeq = observations.map((o, index) => ({ o, index })).sort((a, b) => a.o.seq - b.o.seq || a.index - b.index);
        for (const { o } of bySeq) current.set(o.position, o.verdict);
        const verdictAt = (p: number): Verdict | undefined => current.get(p);

        const bads = range(1, size - 1).filter((p) => verdictAt(p) === "bad");
        const firstBad = bads[0] ?? size - 1;
        const goodsBelow = range(1, firstBad - 1).filter((p) => verdictAt(p) === "good");
        const lastGood = goodsBelow[goodsBelow.length - 1] ?? 0;
        const inside = range(lastGood + 1, firstBad - 1);
        const pendingSet = new Set(pending);
        const expectedInFlight = inside.filter((p) => pendingSet.has(p));
        const expectedUntested = inside.filter((p) => !pendingSet.has(p) && verdictAt(p) === undefined);
        const expectedContradictions = [
          ...(verdictAt(0) === "bad" ? [0] : []),
          ...range(firstBad, size - 1).filter((p) => verdictAt(p) === "good"),
        ];
        const done = expectedUntested.length === 0 && expectedInFlight.length === 0;

        expect(view.firstBad).toBe(firstBad);
        expect(view.lastGood).toBe(lastGood);
        expect(view.inFlight).toEqual(expectedInFlight);
        expect(view.untested).toEqual(expectedUntested);
        expect(view.contradictions).toEqual(expectedContradictions);
        expect(view.done).toBe(done);
        expect(view.possibleFirstBad).toEqual(done ? range(lastGood + 1, firstBad) : []);
        expect(view.roundsLeft).toBe(done ? 0 : roundsNeeded(expectedUntested.length + expectedInFlight.length, k));

        const untested = new Set(expectedUntested);
        expect(view.picks).toHaveLength(Math.min(k, expectedUntested.length));
        expect(isStrictlyAscending(view.picks)).toBe(true);
        for (const pick of view.picks) expect(untested.has(pick)).toBe(true);

        expect(view.candidates).toHaveLength(Math.min(expectedUntested.length, Math.max(candidates, view.picks.length)));
        expect(isStrictlyAscending(view.candidates)).toBe(true);
        for (const candidate of view.candidates) expect(untested.has(candidate)).toBe(true);
        for (const pick of view.picks) expect(view.candidates).toContain(pick);
      }),
      { seed: 11_2024, numRuns: 400 },
    );
  });
});
