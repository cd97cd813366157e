import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// A real Node process, so it is Node's own stderr printer that gets replaced.
function runWith(script: string, level = 'debug') {
  const logger = join(__dirname, 'logger.ts');
  const code = `const { createLogger, logProcessWarnings } = require(${JSON.stringify(logger)});
    const log = createLogger('probe', ${JSON.stringify(level)});
    logProcessWarnings(log);
    ${script}
    setTimeout(() => {}, 20);`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8' });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  return run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('logProcessWarnings', () => {
  it('turns a process warning into one JSON log line at warn, with nothing on stderr', () => {
    const lines = runWith(`process.emitWarning('disk nearly full', { code: 'CH_TEST', type: 'ProbeWarning' });`);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', service: 'probe', warning: { name: 'ProbeWarning', message: 'disk nearly full', code: 'CH_TEST' } })]);
  });

  it('logs a negative timer delay (kafkajs on Node >= 23) at debug, invisible at info', () => {
    const script = `setTimeout(() => {}, -5);`;
    const atDebug = runWith(script);
    expect(atDebug).toEqual([expect.objectContaining({ level: 'debug', warning: expect.objectContaining({ name: 'TimeoutNegativeWarning' }) })]);
    expect(runWith(script, 'info')).toEqual([]);
  });
});
