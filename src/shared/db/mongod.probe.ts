import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { FoundMongod } from './db-mode.selector';

/** What the probe may look at; tests describe a machine with plain functions. */
export interface MachineView {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  isExecutableFile(path: string): boolean;
  /** File names in a directory; empty when it does not exist. */
  listDir(path: string): string[];
}

/**
 * Finds a mongod that can run without a download, in the order mongodb-memory-server itself
 * would honour: an explicit system binary, then PATH, then its download cache.
 */
export function findLocalMongod(machine: MachineView): FoundMongod | undefined {
  const system = machine.env.MONGOMS_SYSTEM_BINARY;
  if (system && machine.isExecutableFile(system)) return { path: system, source: 'MONGOMS_SYSTEM_BINARY' };

  for (const dir of (machine.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'mongod');
    if (machine.isExecutableFile(candidate)) return { path: candidate, source: 'PATH' };
  }

  const cacheDirs = [machine.env.MONGOMS_DOWNLOAD_DIR, join(machine.homeDir, '.cache', 'mongodb-binaries')];
  for (const dir of cacheDirs.filter((d): d is string => !!d)) {
    // Cached binaries are named mongod-<arch>-<distro>-<version>; prefer the newest.
    const names = machine.listDir(dir).filter((name) => /^mongod(-|$)/.test(name));
    names.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
    for (const name of names) {
      const candidate = join(dir, name);
      if (machine.isExecutableFile(candidate)) return { path: candidate, source: 'cache' };
    }
  }
  return undefined;
}

export const realMachine: MachineView = {
  env: process.env,
  homeDir: homedir(),
  isExecutableFile(path) {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  listDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
};
