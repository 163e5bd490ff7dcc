/**
 * A text's UTF-16 code units as a typed array, for detectors that walk every character.
 * In V8's optimised loops `view[i]` costs a fraction of `text.charCodeAt(i)` (which checks
 * the string's representation on every call), and the copy is one native write. Detectors
 * scanning the same text (the rules of one request, one step of a stream) share the view of
 * the last text converted, until the scan ends (`forgetCodeUnits`).
 */

/** Code units of the reused buffer; a longer text gets its own (dropped with the next text). */
const REUSED_UNITS = 1 << 16;
/** `Buffer#write` produces little-endian units; a big-endian host swaps them back. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let reused = Buffer.allocUnsafeSlow(2 * 1024);
let lastText: string | undefined;
let lastView = new Uint16Array(0);

/** The code units of `text` (valid until the next call with another text; never written to by callers). */
export function codeUnits(text: string): Uint16Array {
  if (text === lastText) return lastView;
  const bytes = 2 * text.length;
  let buf = reused;
  if (bytes > buf.length) {
    buf = Buffer.allocUnsafeSlow(text.length <= REUSED_UNITS ? Math.min(Math.max(bytes, 2 * buf.length), 2 * REUSED_UNITS) : bytes);
    if (text.length <= REUSED_UNITS) reused = buf;
  }
  buf.write(text, 0, bytes, 'utf16le');
  if (!LITTLE_ENDIAN) buf.subarray(0, bytes).swap16();
  lastText = text;
  lastView = new Uint16Array(buf.buffer, buf.byteOffset, text.length);
  return lastView;
}

/**
 * Ends the sharing: drops the reference to the last text and zeroes its copy. Scanned text
 * is user content (often the very personal data being masked); it must not stay readable
 * in a module's buffer after the scan that needed it.
 */
export function forgetCodeUnits(): void {
  if (lastText === undefined) return;
  lastView.fill(0);
  lastText = undefined;
  lastView = new Uint16Array(0);
}
