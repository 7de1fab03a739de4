// The structured logger interface the runtime logs through (pino loggers fit it), and a silent one.

/** A pino-compatible structured logger: fields first, then the message. */
export interface Logger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
  debug(o: object, msg?: string): void;
}

/** A logger that drops everything (the default of every component). */
export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
};
