import { withCacheControl } from './cache-control.js';
import { badField, isRecord } from '../../schemas/json-checks.js';

/**
 * OpenAI message content (a string, content parts, or null) → Anthropic content blocks.
 * Empty texts are left out: Anthropic rejects empty text blocks, and an empty text says
 * nothing. A part's `cache_control` goes onto its block. Which parts a message may carry
 * depends on its role (`PartsAllowed`).
 */

export type Block = Record<string, unknown>;

/** `text`: system/developer prompts. `assistant`: text and refusals. `media`: user and tool content (text, images, PDFs). */
export type PartsAllowed = 'text' | 'assistant' | 'media';

export function contentBlocks(content: unknown, path: string, allowed: PartsAllowed): Block[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw badField(path, 'must be a string or an array of content parts');
  const blocks: Block[] = [];
  for (let j = 0; j < content.length; j++) {
    const block = partBlock(content[j], `${path}.${j}`, allowed);
    if (block !== undefined) blocks.push(block);
  }
  return blocks;
}

function partBlock(part: unknown, path: string, allowed: PartsAllowed): Block | undefined {
  if (!isRecord(part)) throw badField(path, 'must be a content part object');
  const block = partContent(part, path, allowed);
  return block === undefined ? undefined : withCacheControl(block, part, path);
}

function partContent(part: Record<string, unknown>, path: string, allowed: PartsAllowed): Block | undefined {
  const type = part.type;
  if (type === 'text') return textPart(part.text, `${path}.text`);
  if (allowed === 'assistant' && type === 'refusal') return textPart(part.refusal, `${path}.refusal`);
  if (allowed === 'media' && type === 'image_url') return imageBlock(part.image_url, `${path}.image_url`);
  if (allowed === 'media' && type === 'file') return documentBlock(part.file, `${path}.file`);
  const what = JSON.stringify(type) ?? 'a part without a type';
  if (allowed === 'text') throw badField(`${path}.type`, `must be "text" in a system or developer message, got ${what}`);
  if (allowed === 'assistant') throw badField(`${path}.type`, `must be "text" or "refusal" in an assistant message, got ${what}`);
  throw badField(`${path}.type`, `${what} content parts are not supported by the anthropic provider adapter (text, image_url and PDF file parts are)`);
}

function textPart(text: unknown, path: string): Block | undefined {
  if (typeof text !== 'string') throw badField(path, 'must be a string');
  return text === '' ? undefined : { type: 'text', text };
}

/** `image_url` → image block: an http(s) URL is fetched by Anthropic, a data: URL sent inline. `detail` has no equivalent. */
function imageBlock(image: unknown, path: string): Block {
  // OpenAI documents `{ url, detail }`; some clients send the URL string itself.
  const url = isRecord(image) ? image.url : image;
  const urlPath = isRecord(image) ? `${path}.url` : path;
  if (typeof url !== 'string') throw badField(urlPath, 'must be a string');
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const inline = base64DataUrl(url);
  if (inline === undefined) throw badField(urlPath, 'must be an http(s) URL or a base64 data: URL');
  return { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
}

/**
 * `file` with inline PDF data → document block, the filename as its title. File ids name
 * files stored at OpenAI, which Anthropic cannot read.
 */
function documentBlock(file: unknown, path: string): Block {
  if (!isRecord(file)) throw badField(path, 'must be an object');
  if (typeof file.file_data !== 'string') {
    const problem = file.file_id !== undefined ? 'is required: OpenAI file ids cannot be read by the anthropic provider adapter' : 'must be a string';
    throw badField(`${path}.file_data`, problem);
  }
  const inline = base64DataUrl(file.file_data);
  if (inline?.mediaType !== 'application/pdf') {
    throw badField(`${path}.file_data`, 'must be a base64 data: URL of a PDF (data:application/pdf;base64,…), the only file type the anthropic provider adapter sends');
  }
  const block: Block = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: inline.data } };
  if (typeof file.filename === 'string' && file.filename !== '') block.title = file.filename;
  return block;
}

/**
 * `data:<media type>[;params];base64,<data>` → its media type and data; undefined for any
 * other URL. Parsed by index, not by regular expression: images are megabytes long.
 */
function base64DataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (url.slice(0, 5).toLowerCase() !== 'data:') return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  const params = url.slice(5, comma).split(';');
  const mediaType = params[0].trim().toLowerCase();
  if (params.length < 2 || params[params.length - 1].trim().toLowerCase() !== 'base64' || mediaType === '') return undefined;
  return { mediaType, data: url.slice(comma + 1) };
}
