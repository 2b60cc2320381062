/**
 * The operator's configuration is wrong (a config file, a store folder, AWS credentials or
 * permissions): the message says what and where, and a stack would only hide it. Exit code
 * 78 (EX_CONFIG). Kept free of imports so the command line can catch it without loading
 * the code that throws it.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
