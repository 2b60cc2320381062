/**
 * The end of every help text that reads a config, a store or AWS: what 70 and 78 mean is
 * the same for each command (cli/report-error.ts decides between them).
 */
export const FAILURE_EXIT_CODES = `70 internal error (a bug; the message has the stack), 78 bad configuration (unreadable
or invalid config or thresholds, store folder, AWS credentials or permissions, a missing
table or parameter)`;
