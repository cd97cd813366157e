import type { RequestHandler } from 'express';

/**
 * Deliberate faults for canary drills (`FAULT_INJECTION`): `errors:<fraction>` answers that share
 * of GraphQL requests with HTTP 500 / INTERNAL; `latency:<ms>` delays every GraphQL request.
 * Off unless set; the drill sets it on the canary build only.
 */
export type FaultSpec = { kind: 'errors'; fraction: number } | { kind: 'latency'; ms: number };

export function parseFaultSpec(spec: string | undefined): FaultSpec | undefined {
  if (!spec) return undefined;
  const m = /^(errors|latency):(\d+(?:\.\d+)?)(ms)?$/.exec(spec.trim());
  if (!m) throw new Error(`FAULT_INJECTION must be errors:<0..1> or latency:<ms>, got "${spec}"`);
  const n = Number(m[2]);
  if (m[1] === 'errors') {
    if (n < 0 || n > 1) throw new Error('FAULT_INJECTION errors fraction must be between 0 and 1');
    return { kind: 'errors', fraction: n };
  }
  return { kind: 'latency', ms: n };
}

export function faultInjection(spec: FaultSpec, random: () => number = Math.random): RequestHandler {
  return (_req, res, next) => {
    if (spec.kind === 'latency') {
      setTimeout(next, spec.ms);
      return;
    }
    if (random() < spec.fraction) {
      res.status(500).json({ errors: [{ message: 'Injected fault (canary drill)', extensions: { code: 'INTERNAL' } }] });
      return;
    }
    next();
  };
}
