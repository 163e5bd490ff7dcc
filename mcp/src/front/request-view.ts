import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * The request as the SDK's Streamable HTTP transport sees it through `@hono/node-server`
 * (a web `Request`), read straight from Node's `IncomingMessage`: same header values, same
 * header record, same URL, same refusals. Keeps our transport's answers identical.
 */

/** Headers Node keeps only once (first wins); a web `Headers` joins every value instead. */
const NODE_SINGLE_VALUE = new Set(['age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent']);

const isHttpWhitespace = (code: number) => code === 9 || code === 10 || code === 13 || code === 32;

function normalizeValue(value: string): string {
  if (value === '' || (!isHttpWhitespace(value.charCodeAt(0)) && !isHttpWhitespace(value.charCodeAt(value.length - 1)))) return value;
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  return value.slice(start, end);
}

/** `Headers.get(name)` of the web request: every value joined with ", ", or null. `name` is lower case. */
export function headerValue(req: IncomingMessage, name: string): string | null {
  if (!NODE_SINGLE_VALUE.has(name) && name !== 'set-cookie' && name !== 'cookie') {
    const value = req.headers[name];
    if (typeof value === 'string') return normalizeValue(value);
    if (value === undefined) return null;
  }
  const raw = req.rawHeaders;
  const separator = name === 'cookie' ? '; ' : ', ';
  let joined: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const rawName = raw[i] as string;
    if (rawName.length === name.length && rawName.toLowerCase() === name) {
      const value = normalizeValue(raw[i + 1] as string);
      joined = joined === null ? value : joined + separator + value;
    }
  }
  return joined;
}

/** `Object.fromEntries(request.headers.entries())`: lower-case names in order, values joined. */
export function headerRecord(req: IncomingMessage): Record<string, string> {
  const raw = req.rawHeaders;
  const parsed = req.headers;
  const names = Object.keys(parsed);
  // No name twice (Node's record has one key per raw header): Node's values are the raw ones.
  if (names.length * 2 === raw.length) {
    const record: Record<string, string> = {};
    for (const name of names.sort()) {
      const value = parsed[name];
      if (typeof value !== 'string') return joinedRecord(raw);
      record[name] = normalizeValue(value);
    }
    return record;
  }
  return joinedRecord(raw);
}

function joinedRecord(raw: string[]): Record<string, string> {
  const joined = new Map<string, string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name.startsWith(':')) continue;
    const value = normalizeValue(raw[i + 1] as string);
    const previous = joined.get(name);
    // Set-Cookie values stay separate entries; the record keeps the last one.
    joined.set(name, previous === undefined || name === 'set-cookie' ? value : previous + (name === 'cookie' ? '; ' : ', ') + value);
  }
  const record: Record<string, string> = {};
  for (const name of [...joined.keys()].sort()) record[name] = joined.get(name) as string;
  return record;
}

const VALID_PATH = /^\/[!#$&-;=?-\[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;
const VALID_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

function assertNoBackslashInPath(target: string): void {
  const backslash = target.indexOf('\\');
  if (backslash !== -1) {
    const query = target.indexOf('?');
    if (query === -1 || backslash < query) throw new Error('Backslash in request path');
  }
}

/**
 * The absolute URL of the request (scheme from the socket, authority from Host), or a throw
 * where `@hono/node-server` refuses to build the web request (it answers 400, empty).
 */
export function requestHref(req: IncomingMessage): string {
  const target = req.url || '';
  if (target[0] !== '/' && (target.startsWith('http://') || target.startsWith('https://'))) {
    assertNoBackslashInPath(target);
    return new URL(target).href;
  }
  const host = req.headers.host;
  if (!host) throw new Error('Missing host header');
  const scheme = (req.socket as TLSSocket | undefined)?.encrypted ? 'https' : 'http';
  const url = `${scheme}://${host}${target}`;
  if (!VALID_HOST.test(host)) {
    assertNoBackslashInPath(target);
    const parsed = new URL(url);
    if (parsed.hostname.length !== host.length && parsed.hostname !== (host.includes(':') ? host.replace(/:\d+$/, '') : host).toLowerCase()) throw new Error('Invalid host header');
    return parsed.href;
  }
  if (target.length === 0) return `${url}/`;
  if (target.charCodeAt(0) !== 47) throw new Error('Invalid URL');
  if (!VALID_PATH.test(target) || DOT_SEGMENT.test(target)) {
    assertNoBackslashInPath(target);
    return new URL(url).href;
  }
  return url;
}
