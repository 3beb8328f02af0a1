import { EventEmitter } from 'node:events';
import { createShutdown, installProcessHandlers } from '../../src/shared/lifecycle/shutdown.coordinator';
import { silentLogger } from './app.harness';

function harness(stepTimeoutMs = 1_000) {
  const exits: number[] = [];
  const shutdown = createShutdown({ logger: silentLogger, stepTimeoutMs, exit: (code) => exits.push(code) });
  return { shutdown, exits };
}

describe('shutdown', () => {
  it('stops what started last first (HTTP before the database), then exits 0', async () => {
    const { shutdown, exits } = harness();
    const order: string[] = [];
    shutdown.add('database', async () => void order.push('database'));
    shutdown.add('http', async () => void order.push('http'));
    await shutdown.trigger('SIGTERM');
    expect(order).toEqual(['http', 'database']);
    expect(exits).toEqual([0]);
  });

  it('still closes the database when draining HTTP fails, and exits 1', async () => {
    const { shutdown, exits } = harness();
    const closed: string[] = [];
    shutdown.add('database', async () => void closed.push('database'));
    shutdown.add('http', async () => {
      throw new Error('drain failed');
    });
    await shutdown.trigger('SIGTERM');
    expect(closed).toEqual(['database']);
    expect(exits).toEqual([1]);
  });

  it('exits at once on a second signal while the first shutdown is still running', async () => {
    const { shutdown, exits } = harness();
    let release!: () => void;
    shutdown.add('http', () => new Promise<void>((resolve) => (release = resolve)));
    const first = shutdown.trigger('SIGINT');
    void shutdown.trigger('SIGINT');
    expect(exits).toEqual([130]);
    release();
    await first;
  });

  it('abandons a step that hangs past its timeout', async () => {
    const { shutdown, exits } = harness(50);
    const closed: string[] = [];
    shutdown.add('database', async () => void closed.push('database'));
    shutdown.add('http', () => new Promise<void>(() => undefined));
    await shutdown.trigger('SIGTERM');
    expect(closed).toEqual(['database']);
    expect(exits).toEqual([1]);
  });

  it('keeps the non-zero code of a fatal error', async () => {
    const { shutdown, exits } = harness();
    shutdown.add('database', async () => undefined);
    await shutdown.trigger('uncaughtException', 1);
    expect(exits).toEqual([1]);
  });
});

describe('process handlers', () => {
  function fakeProcess() {
    const proc = new EventEmitter();
    return proc as unknown as NodeJS.Process & EventEmitter;
  }

  it.each(['SIGTERM', 'SIGINT'] as const)('shut down cleanly on %s', async (signal) => {
    const { shutdown, exits } = harness();
    const proc = fakeProcess();
    installProcessHandlers(proc, shutdown, silentLogger);
    proc.emit(signal);
    await new Promise((resolve) => setImmediate(resolve));
    expect(shutdown.inProgress).toBe(true);
    expect(exits).toEqual([0]);
  });

  it('exit non-zero after an unhandled rejection, having closed what was open', async () => {
    const { shutdown, exits } = harness();
    const closed: string[] = [];
    shutdown.add('database', async () => void closed.push('database'));
    const proc = fakeProcess();
    installProcessHandlers(proc, shutdown, silentLogger);
    proc.emit('unhandledRejection', new Error('nobody awaited me'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toEqual(['database']);
    expect(exits).toEqual([1]);
  });

  it('exit non-zero after an uncaught exception', async () => {
    const { shutdown, exits } = harness();
    const proc = fakeProcess();
    installProcessHandlers(proc, shutdown, silentLogger);
    proc.emit('uncaughtException', new Error('boom'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([1]);
  });
});
