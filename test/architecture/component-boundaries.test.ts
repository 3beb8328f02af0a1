import { execFileSync } from 'node:child_process';

type Snippet = { file: string; code: string };

// ESLint loads eslint.config.mjs with a dynamic import, which jest's VM does not run: the
// snippets are linted in one child process with the project's own config, as `npm run lint` does.
const LINT = `
import { ESLint } from 'eslint';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const eslint = new ESLint();
const out = [];
for (const { file, code } of JSON.parse(input)) {
  const [result] = await eslint.lintText(code, { filePath: file });
  out.push(result.messages.filter((m) => m.ruleId === 'lpg/component-boundaries').map((m) => m.message));
}
process.stdout.write(JSON.stringify(out));
`;

const SNIPPETS = {
  reach: { file: 'src/components/audit/x.ts', code: "export { qrModels } from '../qr/qr.model';\n" },
  logIntoLedger: { file: 'src/components/ledger/log/x.ts', code: "export { eventHash } from '../ledger.canonical';\n" },
  ledgerIntoLog: { file: 'src/components/ledger/x.ts', code: "export { createLogService } from './log/log.service';\n" },
  epcisIntoLog: { file: 'src/components/ledger/epcis/x.ts', code: "export type { LedgerEventSource } from '../log/log.ports';\n" },
  indexes: { file: 'src/components/qr/x.ts', code: "export { authorize } from '../auth';\nexport { createLedger } from '../ledger/index';\nexport { gs1CheckDigit } from './grai.code';\n" },
  logThroughIndex: { file: 'src/components/ledger/log/x.ts', code: "export { eventHash } from '..';\nexport { merkleRoot } from './merkle';\n" },
  ownSubfolder: { file: 'src/components/registry/records/x.ts', code: "export { fieldError } from '../registry.refs';\n" },
  casesInternals: { file: 'src/components/kpis/x.ts', code: "export { createCasesRepository } from '../cases/cases.repository';\n" },
  casesIndex: { file: 'src/components/alerts/x.ts', code: "export type { CaseFigures } from '../cases';\n" },
  test: { file: 'test/ledger/x.test.ts', code: "export { eventHash } from '../../src/components/ledger/ledger.canonical';\n" },
} satisfies Record<string, Snippet>;

let found: Record<keyof typeof SNIPPETS, string[]>;

beforeAll(() => {
  const names = Object.keys(SNIPPETS) as (keyof typeof SNIPPETS)[];
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', LINT], { input: JSON.stringify(names.map((n) => SNIPPETS[n])), encoding: 'utf8' });
  const messages = JSON.parse(out) as string[][];
  found = Object.fromEntries(names.map((n, i) => [n, messages[i] ?? []])) as typeof found;
}, 60_000);

describe('component boundaries (npm run lint)', () => {
  it("refuses an import of another component's internals", () => {
    expect(found.reach).toEqual(["'../qr/qr.model' reaches into the qr component's internals; import its index.ts ('../qr') instead"]);
  });

  it("treats the ledger's log and EPCIS as components of their own, both ways", () => {
    expect(found.logIntoLedger).toHaveLength(1);
    expect(found.ledgerIntoLog).toHaveLength(1);
    expect(found.epcisIntoLog).toHaveLength(1);
  });

  it("admits another component's index.ts and a component's own files, sub-folders included", () => {
    expect(found.indexes).toEqual([]);
    expect(found.logThroughIndex).toEqual([]);
    expect(found.ownSubfolder).toEqual([]);
  });

  it("keeps the cases component's internals to itself, its index open to all", () => {
    expect(found.casesInternals).toEqual(["'../cases/cases.repository' reaches into the cases component's internals; import its index.ts ('../cases') instead"]);
    expect(found.casesIndex).toEqual([]);
  });

  it('lets tests take a component apart', () => {
    expect(found.test).toEqual([]);
  });
});
