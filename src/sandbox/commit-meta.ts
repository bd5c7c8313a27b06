// Fake but stable commit titles, authors and pull-request numbers, derived from the SHA (fixtures carry no messages or identities).
import { hash32 } from "./prng.js";

export interface Person {
  name: string;
  email: string;
  /** GitHub login, or null for an email GitHub cannot map to an account (the REST `author` is then null). */
  login: string | null;
}

export interface CommitMeta {
  title: string;
  message: string;
  author: Person;
  /** Unix seconds; at or before the committer date, as with rebased or cherry-picked work. */
  authorTime: number;
  /** Pull request this commit came in with, if any. */
  pullNumber: number | null;
}

const PEOPLE: Person[] = [
  { name: "Ada Lovelace", email: "ada@example.com", login: "ada" },
  { name: "Grace Hopper", email: "grace@example.com", login: "grace-h" },
  { name: "Linus Kernel", email: "linus@example.org", login: "lkernel" },
  { name: "Margaret H.", email: "mh@example.net", login: "margaret" },
  { name: "Ken T", email: "ken@example.com", login: "kent" },
  { name: "Barbara Liskov", email: "barbara@example.edu", login: "bliskov" },
  { name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com", login: "dependabot[bot]" },
  { name: "Edsger D.", email: "ewd@example.nl", login: null },
  { name: "Anonymous Contributor", email: "anon@localhost", login: null },
  { name: "Frances Allen", email: "fran@example.com", login: "fallen" },
];

const VERBS = ["Fix", "Add", "Remove", "Refactor", "Improve", "Update", "Handle", "Document", "Speed up", "Revert"];
const THINGS = [
  "parser crash on empty input",
  "timeout handling in the client",
  "support for nested routes",
  "deprecated config option",
  "error message for missing files",
  "cache invalidation on reload",
  "Windows path handling",
  "type definitions",
  "CLI flag parsing",
  "memory leak in the watcher",
  "unicode escaping in templates",
  "race in the connection pool",
];

export function commitMeta(sha: string, committerTime: number, parentCount: number): CommitMeta {
  const h = hash32(sha);
  const author = PEOPLE[h % PEOPLE.length]!;
  const authorTime = committerTime - ((h >>> 8) % 3) * 3600;
  if (parentCount > 1) {
    const pullNumber = 1 + ((h >>> 4) % 4000);
    const branch = `${author.login ?? "contrib"}/topic-${(h >>> 12) % 100}`;
    const title = `Merge pull request #${pullNumber} from ${branch}`;
    return { title, message: `${title}\n\n${pick(VERBS, h >>> 3)} ${pick(THINGS, h >>> 7)}`, author, authorTime, pullNumber };
  }
  const base = `${pick(VERBS, h >>> 3)} ${pick(THINGS, h >>> 7)}`;
  const pullNumber = (h >>> 16) % 3 === 0 ? 1 + ((h >>> 4) % 4000) : null;
  const title = pullNumber === null ? base : `${base} (#${pullNumber})`;
  return { title, message: `${title}\n\nSigned-off-by: ${author.name} <${author.email}>`, author, authorTime, pullNumber };
}

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length]!;
}
