import { parseArgs } from 'node:util';
import { startScaleSimulator, summaryLine, type SimLogin } from './index';

/**
 * npm run sim:scales -- --stations N --scales-per-station M --rate R [--url U] [--duration S]
 * Logins from flags or the environment: SIM_ADMIN_USERNAME / SIM_ADMIN_PASSWORD (an enterprise
 * administrator, e.g. demo.admin) and, to create missing stations, SIM_REGULATOR_USERNAME /
 * SIM_REGULATOR_PASSWORD (e.g. demo.city). See docs/scale-simulator.md.
 */
const USAGE = `usage: npm run sim:scales -- [--url http://127.0.0.1:3000] [--stations 1] [--scales-per-station 2] [--rate 30]
       [--admin-username demo.admin --admin-password …] [--regulator-username demo.city --regulator-password …]
       [--bad-rate 0.08] [--outage-rate 0.01] [--duration seconds] [--json]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const positive = (name: string, value: string | undefined, fallback: number, integer = false): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) fail(`--${name} must be a positive ${integer ? 'integer' : 'number'}, not "${value}"`);
  return n;
};
const share = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) fail(`--${name} must be between 0 and 1, not "${value}"`);
  return n;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      stations: { type: 'string' },
      'scales-per-station': { type: 'string' },
      rate: { type: 'string' },
      'admin-username': { type: 'string' },
      'admin-password': { type: 'string' },
      'regulator-username': { type: 'string' },
      'regulator-password': { type: 'string' },
      'bad-rate': { type: 'string' },
      'outage-rate': { type: 'string' },
      duration: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = process.env;
  const adminUser = values['admin-username'] ?? env.SIM_ADMIN_USERNAME;
  const adminPassword = values['admin-password'] ?? env.SIM_ADMIN_PASSWORD;
  if (!adminUser || !adminPassword) fail('an enterprise administrator login is needed: --admin-username/--admin-password or SIM_ADMIN_USERNAME/SIM_ADMIN_PASSWORD');
  const regulatorUser = values['regulator-username'] ?? env.SIM_REGULATOR_USERNAME;
  const regulatorPassword = values['regulator-password'] ?? env.SIM_REGULATOR_PASSWORD;
  const regulator: SimLogin | undefined = regulatorUser && regulatorPassword ? { username: regulatorUser, password: regulatorPassword } : undefined;
  const duration = values.duration === undefined ? undefined : positive('duration', values.duration, 0);
  const live = process.stdout.isTTY && !values.json;
  const sim = await startScaleSimulator({
    baseUrl: values.url ?? env.SIM_URL ?? `http://127.0.0.1:${env.PORT ?? '3000'}`,
    admin: { username: adminUser, password: adminPassword },
    ...(regulator ? { regulator } : {}),
    stations: positive('stations', values.stations, 1, true),
    scalesPerStation: positive('scales-per-station', values['scales-per-station'], 2, true),
    rate: positive('rate', values.rate, 30),
    behaviour: { badRate: share('bad-rate', values['bad-rate'], 0.08), outageRate: share('outage-rate', values['outage-rate'], 0.01) },
    onSummary: (s) => process.stdout.write(live ? `\r\u001b[2K${summaryLine(s)}` : `${values.json ? JSON.stringify(s) : summaryLine(s)}\n`),
  });
  process.stdout.write(`simulating ${sim.world.stations.reduce((n, s) => n + s.scales.length, 0)} scales at ${sim.world.stations.map((s) => s.name).join(', ')}; Ctrl-C stops\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const final = await sim.stop();
    process.stdout.write(`\n${values.json ? JSON.stringify(final) : summaryLine(final)}\n`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (duration !== undefined) setTimeout(() => void stop(), duration * 1000);
}

main().catch((error: unknown) => {
  process.stderr.write(`sim:scales: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
