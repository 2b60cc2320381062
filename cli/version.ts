declare const ZK_LOOKOUT_VERSION: string | undefined;

/** package.json's version, put in by the build (scripts/build-cli.mjs); from source under tsx there is none. */
export const VERSION = typeof ZK_LOOKOUT_VERSION === 'string' ? ZK_LOOKOUT_VERSION : '0.0.0-source';
