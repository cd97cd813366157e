import { execFileSync } from 'node:child_process';
import { helmBinary, kubectlBinary, promtoolBinary } from './tools';

it('provides real helm v4, kubectl and promtool binaries', () => {
  expect(execFileSync(helmBinary(), ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v4\./);
  expect(execFileSync(kubectlBinary(), ['version', '--client'], { encoding: 'utf8' })).toMatch(/Client Version: v1\./);
  expect(execFileSync(promtoolBinary(), ['--version'], { encoding: 'utf8' })).toMatch(/promtool, version 2\./);
});
