'use strict';
// Runs autocannon on its own thread (its own event loop), so the load generator never competes
// with the in-process gateway and subgraphs for the main thread. Plain JS: no TS loader needed.
//
// Each message is one autocannon run: { id, opts } -> { id, result } | { id, error }.
// Latencies are recorded exactly (float ms from autocannon's per-request hrtime), not through
// autocannon's histogram, which keeps whole milliseconds only (too coarse for 1-5 ms requests).
const { parentPort } = require('node:worker_threads');
const autocannon = require('autocannon');

parentPort.on('message', ({ id, opts }) => {
  const latencies = [];
  let ok = 0;
  let bad = 0;
  const started = process.hrtime.bigint();
  const instance = autocannon({ ...opts, ...(opts.overallRate ? { ignoreCoordinatedOmission: true } : {}) }, (err, res) => {
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (err) {
      parentPort.postMessage({ id, error: String(err && err.stack ? err.stack : err) });
      return;
    }
    parentPort.postMessage({
      id,
      result: {
        latencies: Float64Array.from(latencies),
        ok,
        bad,
        elapsedMs,
        errors: res.errors,
        timeouts: res.timeouts,
        mismatches: res.mismatches,
        non2xx: res.non2xx,
      },
    });
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) {
      ok++;
      latencies.push(responseTime);
    } else bad++;
  });
});
