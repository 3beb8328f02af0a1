import { existsSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const COMPONENTS = path.resolve('src/components');

/** The component a file (or a path without its extension) belongs to: the nearest folder under src/components with an index.ts. */
function componentOf(file) {
  let dir = path.dirname(file);
  while (dir.startsWith(COMPONENTS + path.sep)) {
    if (existsSync(path.join(dir, 'index.ts'))) return dir;
    dir = path.dirname(dir);
  }
  return undefined;
}

/**
 * Components own their data and their internals: code outside a component imports only its
 * index.ts (ESLint's no-restricted-imports matches import strings, not resolved paths, so it
 * cannot tell `../ledger.chain` in ledger/log from the same string in ledger/ itself). A
 * sub-folder with an index.ts of its own (ledger/log, ledger/epcis) is a component of its own.
 */
const componentBoundaries = {
  meta: { type: 'problem', messages: { internal: "'{{source}}' reaches into the {{component}} component's internals; import its index.ts ('{{index}}') instead" } },
  create(context) {
    const from = context.filename;
    const own = componentOf(from);
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(from), source);
      // A folder with an index.ts is that component's surface; a file's component is its folder's.
      const component = existsSync(path.join(target, 'index.ts')) ? target : componentOf(target);
      if (!component || component === own) return;
      if (target === component || target === path.join(component, 'index')) return;
      const index = path.relative(path.dirname(from), component) || '.';
      context.report({ node: node.source, messageId: 'internal', data: { source, component: path.relative(COMPONENTS, component), index: index.startsWith('.') ? index : `./${index}` } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'mobile/dist/**', 'test-results/**', 'node_modules/**', 'data/**', 'coverage/**', 'public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests and benchmarks may take a component apart (unit tests of its pure parts); the app may not.
    files: ['src/**/*.ts'],
    plugins: { lpg: { rules: { 'component-boundaries': componentBoundaries } } },
    rules: { 'lpg/component-boundaries': 'error' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
