import { isConfigError } from './config/errors.js';
import { startLiftoff } from './liftoff.js';

/** The entry point: `npm start`. Configuration mistakes print one clear message and exit 1. */
try {
  const liftoff = await startLiftoff({ env: process.env });
  const stop = (signal: string) => {
    liftoff.logger.with('info', `received ${signal}, stopping`);
    liftoff.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (error) => liftoff.logger.with('error', 'unhandled rejection', { error }));
} catch (error) {
  if (isConfigError(error)) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Liftoff could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
}
