/**
 * Structured logs (pino, JSON lines on stderr). Nothing that identifies a visitor is ever
 * logged: no IP address, no user agent, no key.
 */
import { destination, pino, type Logger as PinoLogger } from 'pino';

/** The logger type used across the collector. */
export type Logger = PinoLogger;

/** A logger at `level` (`silent` for none) writing to stderr. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'vantage-collector' } }, destination(2));
}
