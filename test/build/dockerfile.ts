// A small Dockerfile reader for the tests: enough to find stages, their instructions and flags,
// and the image's entrypoint (which the build e2e test runs instead of the image).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');

export interface Instruction {
  keyword: string; // upper case: FROM, RUN, COPY, ...
  flags: Record<string, string | true>; // leading --name[=value] options
  args: string; // the rest, flags removed
  line: number;
}
export interface Stage {
  name?: string;
  from: string;
  instructions: Instruction[];
}
export interface Dockerfile {
  syntax?: string;
  globalArgs: Record<string, string | undefined>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const syntax = /^#\s*syntax=(\S+)/m.exec(text)?.[1];
  const instructions: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending && line.startsWith('#')) return; // comment lines inside a continuation are dropped
    if (!pending) startLine = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    instructions.push(toInstruction(pending + line, startLine));
    pending = '';
  });
  const globalArgs: Dockerfile['globalArgs'] = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      stages.push({ from: m![1]!, name: m![2], instructions: [] });
    } else if (stages.length) stages[stages.length - 1]!.instructions.push(ins);
    else if (ins.keyword === 'ARG') {
      const [k, v] = ins.args.split('=');
      globalArgs[k!] = v;
    }
  }
  return { syntax, globalArgs, stages };
}

function toInstruction(text: string, line: number): Instruction {
  const [, keyword, rest = ''] = /^(\S+)\s*(.*)$/s.exec(text)!;
  const flags: Instruction['flags'] = {};
  let args = rest.trim();
  for (let m = /^--([\w-]+)(?:=(\S+))?\s*/.exec(args); m; m = /^--([\w-]+)(?:=(\S+))?\s*/.exec(args)) {
    flags[m[1]!] = m[2] ?? true;
    args = args.slice(m[0].length);
  }
  return { keyword: keyword!.toUpperCase(), flags, args: args.replace(/\s+/g, ' ').trim(), line };
}

export function readDockerfile(): Dockerfile {
  return parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
}

export const finalStage = (d: Dockerfile) => d.stages[d.stages.length - 1]!;
export const stageNamed = (d: Dockerfile, name: string) => d.stages.find((s) => s.name === name);

/** The image's command: ENTRYPOINT (exec form) then CMD, and the WORKDIR it runs in. */
export function imageCommand(d: Dockerfile): { argv: string[]; workdir: string } {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = finalStage(d); s; s = stageNamed(d, s.from)) chain.unshift(s);
  const all = chain.flatMap((s) => s.instructions);
  const last = (k: string) => [...all].reverse().find((i) => i.keyword === k);
  const exec = (i?: Instruction) => (i ? (JSON.parse(i.args) as string[]) : []);
  return { argv: [...exec(last('ENTRYPOINT')), ...exec(last('CMD'))], workdir: last('WORKDIR')?.args ?? '/' };
}
