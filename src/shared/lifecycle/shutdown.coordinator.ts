import type { Logger } from '../logger/logger.factory';

export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
}

export interface ShutdownOptions {
  logger: Logger;
  /** A step that outlives this is abandoned and the process exits 1. */
  stepTimeoutMs: number;
  exit(code: number): void;
}

export interface Shutdown {
  /** Steps run last-added first: what started last stops first (HTTP before the database). */
  add(name: string, run: () => Promise<void>): void;
  /** First call runs the steps and exits; a later call (a second Ctrl-C) exits at once. */
  trigger(reason: string, exitCode?: number): Promise<void>;
  readonly inProgress: boolean;
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export function createShutdown({ logger, stepTimeoutMs, exit }: ShutdownOptions): Shutdown {
  const steps: ShutdownStep[] = [];
  let running: Promise<void> | undefined;

  async function runSteps(reason: string, exitCode: number): Promise<void> {
    logger.info({ reason }, 'shutting down');
    let failed = false;
    for (const step of [...steps].reverse()) {
      try {
        await withTimeout(step.run(), stepTimeoutMs, step.name);
        logger.debug({ step: step.name }, 'shutdown step done');
      } catch (error) {
        failed = true;
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    const code = failed && exitCode === 0 ? 1 : exitCode;
    logger.info({ exitCode: code }, 'shutdown complete');
    exit(code);
  }

  return {
    add(name, run) {
      steps.push({ name, run });
    },
    trigger(reason, exitCode = 0) {
      if (running) {
        logger.warn({ reason }, 'shutdown already in progress; exiting now');
        exit(exitCode || (reason in SIGNAL_EXIT ? SIGNAL_EXIT[reason as keyof typeof SIGNAL_EXIT] : 1));
        return running;
      }
      running = runSteps(reason, exitCode);
      return running;
    },
    get inProgress() {
      return running !== undefined;
    },
  };
}

/** Wires signals and last-resort error events to one shutdown. */
export function installProcessHandlers(proc: NodeJS.Process, shutdown: Shutdown, logger: Logger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    proc.on(signal, () => void shutdown.trigger(signal));
  }
  proc.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    void shutdown.trigger('unhandledRejection', 1);
  });
  proc.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    void shutdown.trigger('uncaughtException', 1);
  });
}

function withTimeout(work: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
