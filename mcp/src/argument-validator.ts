import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType } from '@modelcontextprotocol/sdk/validation/types.js';

type Check = (input: unknown) => { valid: boolean; errorMessage?: string };

/**
 * Validates tool arguments against the tool's `inputSchema` before they leave the gateway,
 * with the same validator (Ajv) the MCP SDK uses for structured output. Compiled validators
 * are cached by definition fingerprint; a schema Ajv cannot compile is not enforced (the
 * upstream still validates) and is reported once through `onUncompilable`.
 */
export class ArgumentValidator {
  private readonly ajv = new AjvJsonSchemaValidator();
  private readonly cache = new Map<string, Check | null>();

  constructor(private readonly onUncompilable: (fingerprint: string, err: unknown) => void = () => {}, private readonly maxCached = 2048) {}

  /** `undefined` when valid (or not checkable), else a message for the model. */
  validate(fingerprint: string, schema: unknown, args: unknown): string | undefined {
    const check = this.compile(fingerprint, schema);
    if (check === null) return undefined;
    const result = check(args);
    return result.valid ? undefined : (result.errorMessage ?? 'arguments do not match the input schema').replace(/\bdata\b/g, 'arguments');
  }

  private compile(fingerprint: string, schema: unknown): Check | null {
    const cached = this.cache.get(fingerprint);
    if (cached !== undefined) return cached;
    let check: Check | null = null;
    if (schema !== null && typeof schema === 'object') {
      try {
        check = this.ajv.getValidator(schema as JsonSchemaType) as Check;
      } catch (err) {
        this.onUncompilable(fingerprint, err);
      }
    }
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(fingerprint, check);
    return check;
  }
}
