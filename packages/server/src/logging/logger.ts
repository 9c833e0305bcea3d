import { destination, pino, type Logger } from 'pino';

/** The root logger: JSON to stderr (stdout is kept for command results). Level from RAQIB_LOG_LEVEL. */
export const logger: Logger = pino({ level: process.env.RAQIB_LOG_LEVEL ?? 'warn' }, destination(2));

/** A child logger for one module. */
export function moduleLogger(module: string): Logger {
  return logger.child({ module });
}
