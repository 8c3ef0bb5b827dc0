/**
 * Errors about what the user gave us. Library code throws these; only cli/ maps them to
 * an exit code (2). Each names where the problem is, what was there and what was expected.
 */

/** One problem in a scenario: the field's path (as `--set` spells it), its value, what was expected. */
export interface FieldProblem {
  readonly path: string;
  readonly value: unknown;
  readonly expected: string;
}

/** Bad input of any kind; its message is complete and meant for the user as is. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export class ScenarioError extends InputError {
  constructor(
    readonly source: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(formatProblems(source, problems));
    this.name = 'ScenarioError';
  }
}

/** A value as a message shows it: JSON (control characters escaped), cut to 60 characters. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'object' || typeof value === 'string' ? (JSON.stringify(value) ?? String(value)) : String(value);
  } catch {
    text = '(a value that refers to itself)';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Longest message capsim prints, and most problems it lists. */
const MAX_MESSAGE = 4000;
const MAX_PROBLEMS = 20;

/**
 * A message fit for a terminal: control characters (other than line breaks and tabs)
 * escaped, and at most MAX_MESSAGE characters.
 */
export function boundedMessage(text: string): string {
  const escaped = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > MAX_MESSAGE ? `${escaped.slice(0, MAX_MESSAGE)}… (${escaped.length - MAX_MESSAGE} more characters)` : escaped;
}

export function formatProblem(p: FieldProblem): string {
  return `${p.path === '' ? '(top level)' : p.path}: got ${showValue(p.value)}, expected ${p.expected}`;
}

function formatProblems(source: string, problems: readonly FieldProblem[]): string {
  const head = `${source} is not a valid scenario`;
  if (problems.length === 1) return `${head}: ${formatProblem(problems[0]!)}.`;
  const listed = problems.slice(0, MAX_PROBLEMS).map((p) => `  - ${formatProblem(p)}`);
  if (problems.length > MAX_PROBLEMS) listed.push(`  … and ${problems.length - MAX_PROBLEMS} more problems`);
  return `${head}:\n${listed.join('\n')}`;
}

/** The known name closest to `name` by edit distance, if it is close enough to be a likely typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    // Ties go to the candidate of the same length (a typo more often swaps than drops a letter).
    const d = nameDistance(name, candidate) + (candidate.length === name.length ? 0 : 0.25);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  // A name that is known, only in the wrong place, is no typo to suggest a fix for.
  return best !== undefined && best !== name && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** "a known GPU id (did you mean "h100-sxm"?); closest: h100-sxm, h100-pcie, h200" */
export function unknownIdMessage(id: string, known: readonly string[], what: string): string {
  const guess = closest(id, known);
  return `a known ${what} id${guess ? ` (did you mean "${guess}"?)` : ''}; closest known: ${nearest(id, known).join(', ')}`;
}

/** The few known names nearest to `name`, nearest first. */
export function nearest(name: string, known: readonly string[], count = 3): string[] {
  return known
    .map((k) => ({ k, d: nameDistance(name, k) }))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, count)
    .map((x) => x.k);
}

/** Edit distance, or distance to the known name's prefix (a user often types "a100" for "a100-80gb"). */
function nameDistance(name: string, known: string): number {
  const a = name.toLowerCase();
  const b = known.toLowerCase();
  return Math.min(editDistance(a, b), editDistance(a, b.slice(0, a.length)) + 0.5);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
