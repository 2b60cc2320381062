import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', 'layers/', '.zk-lookout/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The layers: contract <- core <- app <- adapters, handlers, cli, infra. An import may
    // only run down that list, and no file may import itself back through others (type-only
    // imports included): docs/ARCHITECTURE.md draws the house.
    files: ['functions/**/*.ts', 'infra/**/*.ts', 'cli/**/*.ts'],
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './functions', from: ['./infra', './cli', './scripts', './bench', './test'], message: 'functions/ is the runtime: it imports nothing of the stack, the CLI or the tests.' },
            { target: './functions/contract', from: './functions', except: ['./contract'], message: 'the contract is the bottom layer: it imports only itself.' },
            { target: './functions/core', from: './functions', except: ['./contract', './core'], message: 'the core is pure: it imports only the contract and itself.' },
            { target: './functions/app', from: './functions', except: ['./contract', './core', './app'], message: 'a use case declares ports; adapters implement them, so app/ never imports adapters/ or handlers/.' },
            { target: './functions/adapters', from: './functions/handlers', message: 'handlers wire adapters, not the other way round.' },
            { target: './infra', from: './functions', except: ['./contract'], message: 'the stack knows the runtime only through functions/contract/.' },
          ],
        },
      ],
    },
  },
  {
    // The functional core decides; it must not reach AWS or the network.
    files: ['functions/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '@aws-lambda-powertools/*', 'node:net', 'node:tls', 'node:http', 'node:fs', 'zookeeper'] }],
    },
  },
  {
    // Servers (and znodes) are untrusted input: no regular expression that reads them may
    // backtrack super-linearly, within one match attempt or across start positions
    // (issue 17; a `\d+\.?\d*` took 28 s on an 80 KB srvr line).
    files: ['functions/**/*.ts', 'cli/**/*.ts'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignorePartial: false, ignoreSticky: false }],
    },
  },
);
