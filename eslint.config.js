import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', 'layers/', '.zk-lookout/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
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
