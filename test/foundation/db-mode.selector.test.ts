import { join } from 'node:path';
import { resolveDbName } from '../../src/shared/db/database.connection';
import { selectDbPlan } from '../../src/shared/db/db-mode.selector';
import { findLocalMongod, type MachineView } from '../../src/shared/db/mongod.probe';

function machine(files: Record<string, 'exec' | 'plain'>, env: Record<string, string> = {}): MachineView {
  return {
    env,
    homeDir: '/home/dev',
    isExecutableFile: (path) => files[path] === 'exec',
    listDir: (dir) =>
      Object.keys(files)
        .filter((f) => f.startsWith(`${dir}/`))
        .map((f) => f.slice(dir.length + 1)),
  };
}

const cache = '/home/dev/.cache/mongodb-binaries';

describe('database mode selection', () => {
  it('uses MONGODB_URI as the external database', () => {
    const plan = selectDbPlan({ mode: 'auto', uri: 'mongodb://db:27017/?replicaSet=rs0' }, undefined);
    expect(plan).toEqual({ mode: 'external', engine: 'external', uri: 'mongodb://db:27017/?replicaSet=rs0' });
  });

  it('prefers the external database even when a mongod is installed', () => {
    const plan = selectDbPlan({ mode: 'auto', uri: 'mongodb://db' }, { path: '/usr/bin/mongod', source: 'PATH' });
    expect(plan.mode).toBe('external');
  });

  it('runs our own embedded engine when no mongod is on the machine', () => {
    expect(selectDbPlan({ mode: 'auto', uri: undefined }, undefined)).toEqual({ mode: 'embedded', engine: 'lpg-embedded' });
  });

  it('runs a local mongod as the embedded database when one is present', () => {
    const binary = { path: '/usr/bin/mongod', source: 'PATH' as const };
    expect(selectDbPlan({ mode: 'embedded', uri: undefined }, binary)).toEqual({ mode: 'embedded', engine: 'mongod', binary });
  });

  it('plans a memory-server (which may download) only when asked for by name', () => {
    expect(selectDbPlan({ mode: 'memory-server', uri: undefined }, undefined)).toEqual({
      mode: 'memory-server',
      engine: 'mongod',
      binary: undefined,
    });
    expect(selectDbPlan({ mode: 'auto', uri: undefined }, undefined).mode).not.toBe('memory-server');
  });
});

describe('finding a mongod that needs no download', () => {
  it('finds nothing on a bare machine', () => {
    expect(findLocalMongod(machine({}, { PATH: '/usr/bin:/bin' }))).toBeUndefined();
  });

  it('honours MONGOMS_SYSTEM_BINARY first', () => {
    const found = findLocalMongod(
      machine({ '/opt/mongo/bin/mongod': 'exec', '/usr/bin/mongod': 'exec' }, {
        MONGOMS_SYSTEM_BINARY: '/opt/mongo/bin/mongod',
        PATH: '/usr/bin',
      }),
    );
    expect(found).toEqual({ path: '/opt/mongo/bin/mongod', source: 'MONGOMS_SYSTEM_BINARY' });
  });

  it('looks on PATH next', () => {
    const found = findLocalMongod(machine({ '/usr/local/bin/mongod': 'exec' }, { PATH: '/usr/bin:/usr/local/bin' }));
    expect(found).toEqual({ path: '/usr/local/bin/mongod', source: 'PATH' });
  });

  it("then takes the newest binary in mongodb-memory-server's cache", () => {
    const found = findLocalMongod(
      machine({
        [join(cache, 'mongod-x64-ubuntu-7.0.9')]: 'exec',
        [join(cache, 'mongod-x64-ubuntu-7.0.14')]: 'exec',
        [join(cache, 'mongod-x64-ubuntu-7.0.14.lock')]: 'plain',
      }),
    );
    expect(found).toEqual({ path: join(cache, 'mongod-x64-ubuntu-7.0.14'), source: 'cache' });
  });

  it('ignores files that are not executable', () => {
    const found = findLocalMongod(
      machine({ '/usr/bin/mongod': 'plain', [join(cache, 'mongod-x64-debian-8.0.0')]: 'plain' }, { PATH: '/usr/bin' }),
    );
    expect(found).toBeUndefined();
  });
});

describe('database name', () => {
  it('comes from DB_NAME, else from the URI path, else is lpg_trace', () => {
    expect(resolveDbName('mongodb://h:1/fromuri?replicaSet=rs0', 'explicit')).toBe('explicit');
    expect(resolveDbName('mongodb://u:p@h:1,h2:2/fromuri?replicaSet=rs0', undefined)).toBe('fromuri');
    expect(resolveDbName('mongodb://127.0.0.1:5000/?replicaSet=rs0', undefined)).toBe('lpg_trace');
  });
});
