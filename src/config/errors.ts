/**
 * A mistake in how Liftoff was set up (environment, configuration file,
 * template). The entry point prints its message alone, with no stack trace,
 * and exits with code 1.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const isConfigError = (e: unknown): e is ConfigError => e instanceof ConfigError;
