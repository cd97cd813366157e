/**
 * Just enough PromQL lexing to answer "which metric names does this expression read?" for the
 * metric-existence test: strings, label matchers, ranges and grouping label lists are blanked,
 * then every identifier that is not a function call or keyword is a metric (or recording-rule)
 * name. Grafana and Argo placeholders live inside strings or ranges, so they are blanked too.
 */
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

export interface MetricReference {
  name: string;
  /** Label names used in the selector's matchers, e.g. ["service", "route", "status_code"]. */
  labels: string[];
}

/** Metric references in one PromQL expression, in order of appearance (duplicates kept once). */
export function metricReferences(expr: string): MetricReference[] {
  const refs = new Map<string, Set<string>>();
  const add = (name: string, labels: string[]) => {
    const set = refs.get(name) ?? new Set<string>();
    labels.forEach((l) => set.add(l));
    refs.set(name, set);
  };
  // `{__name__="x"}` selects by name: read those before strings are blanked.
  for (const m of expr.matchAll(/__name__\s*=\s*"([^"]*)"/g)) add(m[1]!, []);
  let s = expr.replace(/#[^\n]*/g, ' ');
  s = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  // A selector: optional name, then {matchers}. Capture both before blanking the braces.
  const selector = /([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}/g;
  s = s.replace(selector, (_whole, name: string | undefined, body: string) => {
    const labels = [...body.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]!).filter((l) => l !== '__name__');
    if (name && !KEYWORDS.has(name.toLowerCase())) {
      add(name, labels);
      return ' ';
    }
    return name ? `${name} ` : ' ';
  });
  // Label lists of grouping modifiers name labels, not metrics; `sum by (x) (...)` stays a call.
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  for (const m of s.matchAll(/(?<![\w:.$])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, id, call] = m;
    if (call || KEYWORDS.has(id!.toLowerCase())) continue;
    add(id!, []);
  }
  return [...refs].map(([name, labels]) => ({ name, labels: [...labels].sort() }));
}

export const metricNames = (expr: string): string[] => metricReferences(expr).map((r) => r.name);

/**
 * Grafana template-variable queries: `label_values(metric, label)` reads `metric`;
 * `label_values(label)`, `label_names()` read no particular metric; anything else is PromQL.
 */
export function variableQueryReferences(query: string): MetricReference[] {
  const lv = /^\s*label_values\(\s*(.*?)\s*,\s*([a-zA-Z_]\w*)\s*\)\s*$/.exec(query);
  if (lv) return metricReferences(lv[1]!).map((r) => ({ ...r, labels: [...new Set([...r.labels, lv[2]!])].sort() }));
  if (/^\s*(label_values\(\s*[a-zA-Z_]\w*\s*\)|label_names\(\s*\))\s*$/.test(query)) return [];
  const mv = /^\s*(?:metrics|query_result)\((.*)\)\s*$/.exec(query);
  return metricReferences(mv ? mv[1]! : query);
}

/** A dashboard expression as Prometheus will receive it (Grafana's built-in range variables filled in). */
export function grafanaExprToPromql(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$\{?(\w+)\}?/g, (m, v: string) => (v.startsWith('__') ? m : v));
}
