import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../../src/shared/lifecycle/node-flags';

const root = path.resolve(__dirname, '../..');

describe('the Node options the platform runs with', () => {
  it('npm start and the Dockerfile pass every one of them to the platform process', () => {
    const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
    const platformCommand = start.split('&&').map((c) => c.trim()).find((c) => c.includes('dist/src/main.js')) ?? '';
    const cmd = readFileSync(path.join(root, 'Dockerfile'), 'utf8').split('\n').find((line) => line.startsWith('CMD ')) ?? '';
    const dockerArgs = JSON.parse(cmd.slice(4)) as string[];
    expect(SERVER_NODE_FLAGS.length).toBeGreaterThan(0);
    for (const flag of SERVER_NODE_FLAGS) {
      expect(platformCommand.split(/\s+/)).toContain(flag);
      // Before the script: an option after it would be the script's argument, not Node's.
      expect(dockerArgs.indexOf(flag)).toBeGreaterThan(0);
      expect(dockerArgs.indexOf(flag)).toBeLessThan(dockerArgs.indexOf('dist/src/main.js'));
      expect(platformCommand.indexOf(flag)).toBeLessThan(platformCommand.indexOf('dist/src/main.js'));
    }
  });

  it('this Node accepts them (a flag it did not know would stop the platform from starting)', () => {
    const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('ok');
  });
});
