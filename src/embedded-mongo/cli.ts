import { parseArgs } from 'node:util';
import { startEmbeddedMongo } from './index';

/** `npm run db -- --port 27017 --dbpath ./data`: the embedded server on its own, for mongosh or Compass. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      host: { type: 'string', default: '127.0.0.1' },
      dbpath: { type: 'string' },
      replSet: { type: 'string', default: 'rs0' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be an integer between 0 and 65535, got "${values.port}"\n`);
    process.exit(2);
  }
  const server = await startEmbeddedMongo({ port, host: values.host, dbPath: values.dbpath, replSetName: values.replSet });
  process.stdout.write(`embedded MongoDB ready (${values.dbpath ? `data in ${values.dbpath}` : 'in memory'}): ${server.uri}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`embedded MongoDB failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
