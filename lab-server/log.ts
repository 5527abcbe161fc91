import pino, { type Logger } from 'pino';

export type { Logger };

/** Logs are JSON when piped (for an operator's collector) and pretty when a person watches a terminal. */
export function createLogger(level: string, pretty = process.stdout.isTTY): Logger {
  if (!pretty) return pino({ level, base: undefined });
  return pino({
    level,
    base: undefined,
    transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } },
  });
}
