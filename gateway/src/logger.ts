import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * The one logger. Credentials are redacted wherever they might appear in a logged object;
 * prompt and completion bodies are never logged by the gateway.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'sluice' },
      redact: {
        paths: [
          'authorization', 'headers.authorization', 'req.headers.authorization', '*.headers.authorization',
          '["x-api-key"]', 'headers["x-api-key"]', 'req.headers["x-api-key"]', '*.headers["x-api-key"]',
          'apiKey', '*.apiKey', 'token', '*.token', 'password', '*.password', 'secret', '*.secret',
        ],
        censor: '[REDACTED]',
      },
    },
    destination,
  );
}
