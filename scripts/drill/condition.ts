/**
 * A deliberately small evaluator for the Argo Rollouts `successCondition` / `failureCondition`
 * forms the AnalysisTemplate uses (ADR 0003). Argo evaluates these with the `expr` language over
 * `result`, which for a Prometheus vector is the list of sample values. We support exactly:
 *
 *   clause (&& clause)*
 *   clause := len(result) OP NUMBER | result[INDEX] OP NUMBER | result OP NUMBER
 *   OP     := >= | <= | > | < | == | !=
 *
 * `&&` short-circuits like expr does (so `len(result) > 0 && result[0] >= 0.99` never indexes an
 * empty result). Anything else (||, !, parentheses, functions other than len, arithmetic) is
 * refused with an error: guessing the meaning of a condition would make the drill's decision differ
 * silently from the cluster's.
 */
export type Comparator = '>=' | '<=' | '>' | '<' | '==' | '!=';

type Clause =
  | { kind: 'len'; op: Comparator; value: number }
  | { kind: 'index'; index: number; op: Comparator; value: number }
  | { kind: 'scalar'; op: Comparator; value: number };

export interface ParsedCondition {
  source: string;
  clauses: Clause[];
}

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const OPS = String.raw`(>=|<=|==|!=|>|<)`;
const LEN = new RegExp(String.raw`^len\(\s*result\s*\)\s*${OPS}\s*(${NUMBER})$`);
const INDEX = new RegExp(String.raw`^result\s*\[\s*(\d+)\s*\]\s*${OPS}\s*(${NUMBER})$`);
const SCALAR = new RegExp(String.raw`^result\s*${OPS}\s*(${NUMBER})$`);

export class UnsupportedConditionError extends Error {}

export function parseCondition(source: string): ParsedCondition {
  const text = source.trim();
  if (!text) throw new UnsupportedConditionError('empty condition');
  const stripped = text.replace(/len\(\s*result\s*\)/g, 'LEN').replace(/!=/g, 'NE');
  if (/\|\||[()!]/.test(stripped)) {
    throw new UnsupportedConditionError(`unsupported condition form (only "&&"-joined comparisons on len(result)/result[i] are understood): ${source}`);
  }
  const clauses = text.split('&&').map((raw) => {
    const part = raw.trim();
    let m = LEN.exec(part);
    if (m) return { kind: 'len', op: m[1] as Comparator, value: Number(m[2]) } satisfies Clause;
    m = INDEX.exec(part);
    if (m) return { kind: 'index', index: Number(m[1]), op: m[2] as Comparator, value: Number(m[3]) } satisfies Clause;
    m = SCALAR.exec(part);
    if (m) return { kind: 'scalar', op: m[1] as Comparator, value: Number(m[2]) } satisfies Clause;
    throw new UnsupportedConditionError(`unsupported clause "${part}" in condition: ${source}`);
  });
  return { source, clauses };
}

function compare(a: number, op: Comparator, b: number): boolean {
  switch (op) {
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/**
 * `result` is what Argo's Prometheus provider hands the condition: a list of sample values for a
 * vector, a single number for a scalar. NaN compares false (as in expr), so an undefined ratio or
 * quantile fails a success condition.
 */
export function evaluateCondition(cond: ParsedCondition, result: number[] | number): boolean {
  for (const c of cond.clauses) {
    let ok: boolean;
    if (c.kind === 'len') {
      if (!Array.isArray(result)) throw new Error(`len(result) on a scalar result in: ${cond.source}`);
      ok = compare(result.length, c.op, c.value);
    } else if (c.kind === 'index') {
      if (!Array.isArray(result)) throw new Error(`result[${c.index}] on a scalar result in: ${cond.source}`);
      const v = result[c.index];
      // expr raises on an out-of-range index; Argo records that measurement as an Error.
      if (v === undefined) throw new Error(`result[${c.index}] is out of range (result has ${result.length} element(s)) in: ${cond.source}`);
      ok = compare(v, c.op, c.value);
    } else {
      if (Array.isArray(result)) throw new Error(`comparison on the whole result list in: ${cond.source}`);
      ok = compare(result, c.op, c.value);
    }
    if (!ok) return false; // && short-circuits
  }
  return true;
}
