/** The slice of the pino logger identity uses (so tests can pass a recorder). */
export interface IdentityLogger {
  warn(obj: object, msg: string): void;
}
