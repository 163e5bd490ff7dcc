/**
 * A typed array twice as long holding `a` at its start: how the scan buffers (digit runs,
 * candidate starts, masked spans) grow, so each stays allocated once and is reused.
 */
export function doubled<T extends Int32Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (length: number) => T)(2 * a.length);
  b.set(a);
  return b;
}
