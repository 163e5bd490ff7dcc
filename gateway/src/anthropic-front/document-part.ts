import { withCacheControl } from './cache-control.js';
import { booleanAt, fieldPath, objectAt, onlyKeys, stringAt } from './request-checks.js';
import { type Json, badField, isRecord } from '../schemas/json-checks.js';

const DOCUMENT_KEYS = new Set(['type', 'source', 'title', 'context', 'citations', 'cache_control']);
const CITATIONS_KEYS = new Set(['enabled']);
const PDF_SOURCE_KEYS = new Set(['type', 'media_type', 'data']);
const PDF = 'application/pdf';

/**
 * An Anthropic `document` block → the canonical `file` part OpenAI uses for PDFs:
 * `{ type: 'file', file: { file_data: 'data:application/pdf;base64,…', filename: title } }`.
 * Only what that part carries back unchanged is taken. Refused with a 400 naming the field:
 * text, content-block, URL and Files API sources (a text document is not a text part: Anthropic
 * cites into it by character ranges; a URL or file id is fetched by Anthropic alone), `context`
 * (no field for it) and enabled `citations` (the canonical answer has no citations).
 */
export function documentPart(block: Json, path: string): Json {
  onlyKeys(block, DOCUMENT_KEYS, path);
  const sourcePath = fieldPath(path, 'source');
  const source = objectAt(block.source, sourcePath);
  if (source.type !== 'base64') {
    throw badField(fieldPath(sourcePath, 'type'), "only 'base64' PDF documents are supported by this gateway: other sources have no faithful canonical form");
  }
  onlyKeys(source, PDF_SOURCE_KEYS, sourcePath);
  if (source.media_type !== PDF) throw badField(fieldPath(sourcePath, 'media_type'), `must be '${PDF}'`);
  const file: Json = { file_data: `data:${PDF};base64,${stringAt(source.data, fieldPath(sourcePath, 'data'))}` };
  if (block.title !== undefined && block.title !== null) file.filename = stringAt(block.title, fieldPath(path, 'title'));
  if (block.context !== undefined && block.context !== null) {
    throw badField(fieldPath(path, 'context'), 'document context is not supported by this gateway: the canonical file part has no field for it');
  }
  if (citationsEnabled(block.citations, fieldPath(path, 'citations'))) {
    throw badField(fieldPath(path, 'citations'), 'citations are not supported by this gateway: canonical answers carry none');
  }
  return withCacheControl({ type: 'file', file }, block, path);
}

/** Disabled citations (the default) ask for nothing, so they need no carrying. */
function citationsEnabled(citations: unknown, path: string): boolean {
  if (citations === undefined || citations === null) return false;
  if (!isRecord(citations)) throw badField(path, 'must be an object');
  onlyKeys(citations, CITATIONS_KEYS, path);
  return citations.enabled !== undefined && booleanAt(citations.enabled, fieldPath(path, 'enabled'));
}
