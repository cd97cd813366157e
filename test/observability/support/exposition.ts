/** Prometheus text exposition (what prom-client serves on /metrics), parsed into names and samples. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Declared metric families: `# TYPE name type`. */
  types: Map<string, string>;
  samples: Sample[];
}

function parseLabels(body: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /\s*([a-zA-Z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
  if (re.lastIndex !== 0 && re.lastIndex < body.length && body.slice(re.lastIndex).trim()) throw new Error(`cannot parse labels {${body}}`);
  return labels;
}

export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (\w+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`cannot parse exposition line: ${line}`);
    samples.push({ name: m[1]!, labels: m[2] ? parseLabels(m[2]) : {}, value: Number(m[3]) });
  }
  return { types, samples };
}

/** Every series name a family exposes: histograms and summaries add their _bucket/_count/_sum series. */
export function seriesNames(exp: Exposition): Set<string> {
  const names = new Set(exp.samples.map((s) => s.name));
  for (const [name, type] of exp.types) {
    if (type === 'histogram') ['_bucket', '_count', '_sum'].forEach((suffix) => names.add(name + suffix));
    else if (type === 'summary') [name, `${name}_count`, `${name}_sum`].forEach((n) => names.add(n));
    else names.add(name);
  }
  return names;
}
