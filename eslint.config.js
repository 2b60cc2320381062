import tseslint from 'typescript-eslint';

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
);
