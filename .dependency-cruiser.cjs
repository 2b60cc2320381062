/**
 * Import cycles, type-only imports included: ESLint's import-x/no-cycle skips
 * `import type`, and a circle of types is still two files that cannot be read apart.
 * The layer order itself is ESLint's (eslint.config.js, import-x/no-restricted-paths).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A file imports itself back through others; move the shared part down a layer (docs/ARCHITECTURE.md).',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|layers)/' },
  },
};
