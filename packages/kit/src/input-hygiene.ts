import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, type ASTNode, type DocumentNode } from 'graphql';

/** Longest string any input field takes, unless exempt: a backstop under each module's own limits. */
export const MAX_TEXT_LENGTH = 10_000;
/** Fields that carry a whole file as text (bounded by the 1 MB body limit instead): CSV imports, vendors' base64 documents. */
export const LARGE_TEXT_FIELDS = new Set(['csv', 'contentBase64']);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text, or undefined when it can. */
export function textProblem(field: string, value: string): string | undefined {
  const leaf = field.split('.').pop()!.replace(/\[\d+\]$/, '');
  if (value.includes('\u0000')) return `${field} must not contain NUL characters`;
  if (LONE_SURROGATE.test(value)) return `${field} must be valid Unicode (it holds a lone surrogate)`;
  if (!LARGE_TEXT_FIELDS.has(leaf) && value.length > MAX_TEXT_LENGTH) return `${field} must be at most ${MAX_TEXT_LENGTH} characters`;
  return undefined;
}

function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, path ? `${path}.${k}` : k);
}

function literalStrings(doc: DocumentNode): [string, string][] {
  const found: [string, string][] = [];
  const names: string[] = [];
  visit(doc, {
    Argument: { enter: (n) => void names.push(n.name.value), leave: () => void names.pop() },
    ObjectField: { enter: (n) => void names.push(n.name.value), leave: () => void names.pop() },
    StringValue: (n: ASTNode & { value: string }) => void found.push([names.join('.') || 'query', n.value]),
  });
  return found;
}

/** A literal's problem: the field it sits in and why; `null` for a document whose literals are all fine. */
type LiteralVerdict = { field: string; problem: string } | null;

/**
 * The literals of a parsed document never change, and Apollo Server hands the same DocumentNode
 * to every request with the same query text (its document cache), so each document's literals are
 * checked once: the verdict is kept per document object (weakly: it goes when the document does).
 * Variables differ per request and are checked every time.
 */
const literalVerdicts = new WeakMap<DocumentNode, LiteralVerdict>();

/** The first literal string in `doc` that cannot be stored as text, or null (cached per document). */
export function literalProblem(doc: DocumentNode): LiteralVerdict {
  const cached = literalVerdicts.get(doc);
  if (cached !== undefined) return cached;
  let verdict: LiteralVerdict = null;
  for (const [field, value] of literalStrings(doc)) {
    const problem = textProblem(field, value);
    if (problem) {
      verdict = { field, problem };
      break;
    }
  }
  literalVerdicts.set(doc, verdict);
  return verdict;
}

const bad = (field: string, message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } } });

/**
 * Input text PostgreSQL and clients can hold: NUL bytes, lone surrogates and oversize strings in
 * variables or literals are BAD_USER_INPUT naming the field (PostgreSQL would otherwise fail the
 * statement: INTERNAL). In production, "Did you mean …?" hints (enum values, arguments, types)
 * are removed from messages, like graphql-armor removes field suggestions. Variables are checked
 * on every request; a document's literals once per parsed document (literalProblem).
 */
export function inputHygienePlugin<C extends object>(production: boolean): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          for (const [field, value] of strings(request.variables ?? {}, '')) {
            const problem = textProblem(field, value);
            if (problem) throw bad(field, problem);
          }
          const literal = literalProblem(document);
          if (literal) throw bad(literal.field, literal.problem);
        },
        async willSendResponse({ response }) {
          if (!production || response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) =>
            /Did you mean/.test(e.message) ? { ...e, message: e.message.replace(/\s*Did you mean [^?]*\?/g, '') } : e,
          );
        },
      };
    },
  };
}
