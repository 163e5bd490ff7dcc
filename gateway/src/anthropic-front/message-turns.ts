import type { GatewayError } from '../errors.js';
import { withCacheControl } from './cache-control.js';
import { documentPart } from './document-part.js';
import { arrayAt, booleanAt, fieldPath, objectAt, onlyKeys, stringAt } from './request-checks.js';
import { type Json, badField, isRecord } from '../schemas/json-checks.js';

/**
 * Anthropic `messages` → OpenAI chat messages, validating every block on the way (the field
 * path of the first problem is in the 400). Choices that are not forced by the two APIs:
 *
 * - User text blocks are joined with '\n' into string content when a message has only text:
 *   vLLM joins text parts the same way for string-only chat templates, and plain strings work
 *   on every OpenAI-style upstream. With an image or a document, or a text block carrying a
 *   `cache_control` breakpoint, the parts are kept, in order, so each keeps its own breakpoint.
 * - Assistant text blocks are joined with '': they are consecutive pieces of one answer (kept
 *   as text parts when one carries a breakpoint, as in user messages).
 * - `tool_result` blocks become `tool` messages placed before the rest of their user message,
 *   because OpenAI wants tool messages right after the assistant's tool calls. Their content
 *   is flattened to text ('\n' between blocks; breakpoints on those inner blocks are dropped).
 *   OpenAI has no error flag on tool messages, so `is_error: true` is kept as an `Error: `
 *   prefix the model can read.
 * - `thinking` / `redacted_thinking` blocks in assistant history become the message's
 *   `thinking_blocks`, in order and unchanged (LiteLLM's convention): Anthropic refuses a tool
 *   loop whose signed thinking was changed or left out. Dropping them for upstreams that take
 *   no reasoning input is the upstream side's call. `cache_control` on them is accepted and
 *   dropped: the entry has no place for it, and Anthropic caches thinking only as part of a
 *   prefix marked elsewhere.
 * - `cache_control` breakpoints stay where the client put them: on the text, image_url or file
 *   part, the `tool` message or the tool call (LiteLLM's convention; `cache-control.ts`).
 *   `citations` on text and `caller` on tool_use (echoed back from earlier Anthropic answers)
 *   are accepted and ignored.
 * - PDF `document` blocks become `file` parts (`document-part.ts`).
 * - A `system` role message (newer Anthropic API) becomes a system message at its place.
 */

const TURN_KEYS = new Set(['role', 'content']);
const TEXT_KEYS = new Set(['type', 'text', 'cache_control', 'citations']);
const IMAGE_KEYS = new Set(['type', 'source', 'cache_control']);
const BASE64_SOURCE_KEYS = new Set(['type', 'media_type', 'data']);
const URL_SOURCE_KEYS = new Set(['type', 'url']);
const TOOL_RESULT_KEYS = new Set(['type', 'tool_use_id', 'content', 'is_error', 'cache_control']);
const TOOL_USE_KEYS = new Set(['type', 'id', 'name', 'input', 'cache_control', 'caller']);
const THINKING_KEYS = new Set(['type', 'thinking', 'signature', 'cache_control']);
const REDACTED_THINKING_KEYS = new Set(['type', 'data', 'cache_control']);
const IMAGE_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

const EMPTY_CONTENT = 'all messages must have non-empty content except for the optional final assistant message';

export function chatMessagesFromTurns(raw: unknown): Json[] {
  const turns = arrayAt(raw, 'messages');
  if (turns.length === 0) throw badField('messages', 'at least one message is required');
  const out: Json[] = [];
  turns.forEach((value, i) => {
    const path = fieldPath('messages', i);
    const turn = objectAt(value, path);
    onlyKeys(turn, TURN_KEYS, path);
    const contentPath = fieldPath(path, 'content');
    const content = turn.content;
    if (content === undefined) throw badField(contentPath, 'Field required');
    if (typeof content !== 'string' && !Array.isArray(content)) throw badField(contentPath, 'must be a string or an array of content blocks');
    const finalAssistant = turn.role === 'assistant' && i === turns.length - 1;
    if (content.length === 0 && !finalAssistant) throw badField(path, EMPTY_CONTENT);
    switch (turn.role) {
      case 'user':
        appendUserTurn(out, content, contentPath);
        break;
      case 'assistant':
        out.push(assistantMessage(content, contentPath));
        break;
      case 'system':
        out.push({ role: 'system', content: systemContent(content, contentPath) });
        break;
      default:
        throw badField(fieldPath(path, 'role'), "must be 'user' or 'assistant'");
    }
  });
  return out;
}

/**
 * System content from a string or text blocks (top-level `system` and `system` role turns):
 * the blocks' text joined with '\n', or text parts when a block carries a cache breakpoint.
 */
export function systemContent(content: unknown, path: string): string | Json[] {
  if (typeof content === 'string') return content;
  const parts = arrayAt(content, path).map((block, j) => {
    const blockPath = fieldPath(path, j);
    const b = objectAt(block, blockPath);
    if (b.type !== 'text') throw badField(fieldPath(blockPath, 'type'), "only 'text' blocks are allowed here");
    return textPart(b, blockPath);
  });
  return textOrParts(parts, '\n');
}

function textPart(block: Json, path: string): Json {
  onlyKeys(block, TEXT_KEYS, path);
  return withCacheControl({ type: 'text', text: stringAt(block.text, fieldPath(path, 'text')) }, block, path);
}

/** Text parts as one string joined with `separator`, unless a part is not text or carries a breakpoint: then the parts. */
function textOrParts(parts: Json[], separator: string): string | Json[] {
  if (parts.some((p) => p.type !== 'text' || p.cache_control !== undefined)) return parts;
  return parts.map((p) => p.text).join(separator);
}

function appendUserTurn(out: Json[], content: string | unknown[], path: string): void {
  if (typeof content === 'string') {
    out.push({ role: 'user', content });
    return;
  }
  const parts: Json[] = [];
  content.forEach((value, j) => {
    const blockPath = fieldPath(path, j);
    const block = objectAt(value, blockPath);
    switch (block.type) {
      case 'text':
        parts.push(textPart(block, blockPath));
        break;
      case 'image':
        parts.push(withCacheControl({ type: 'image_url', image_url: { url: imageUrl(block, blockPath) } }, block, blockPath));
        break;
      case 'document':
        parts.push(documentPart(block, blockPath));
        break;
      case 'tool_result':
        out.push(toolMessage(block, blockPath));
        break;
      default:
        throw unsupportedBlock(block.type, blockPath, 'user');
    }
  });
  if (parts.length === 0) return;
  out.push({ role: 'user', content: textOrParts(parts, '\n') });
}

function imageUrl(block: Json, path: string): string {
  onlyKeys(block, IMAGE_KEYS, path);
  const sourcePath = fieldPath(path, 'source');
  const source = objectAt(block.source, sourcePath);
  switch (source.type) {
    case 'base64': {
      onlyKeys(source, BASE64_SOURCE_KEYS, sourcePath);
      const mediaType = stringAt(source.media_type, fieldPath(sourcePath, 'media_type'));
      if (!IMAGE_MEDIA_TYPES.has(mediaType)) throw badField(fieldPath(sourcePath, 'media_type'), `must be one of ${[...IMAGE_MEDIA_TYPES].join(', ')}`);
      return `data:${mediaType};base64,${stringAt(source.data, fieldPath(sourcePath, 'data'))}`;
    }
    case 'url':
      onlyKeys(source, URL_SOURCE_KEYS, sourcePath);
      return stringAt(source.url, fieldPath(sourcePath, 'url'));
    case 'file':
      throw badField(fieldPath(sourcePath, 'type'), "'file' sources are not supported by this gateway: Anthropic Files API ids mean nothing to other upstreams");
    default:
      throw badField(fieldPath(sourcePath, 'type'), "must be 'base64' or 'url'");
  }
}

function toolMessage(block: Json, path: string): Json {
  onlyKeys(block, TOOL_RESULT_KEYS, path);
  const toolCallId = stringAt(block.tool_use_id, fieldPath(path, 'tool_use_id'));
  const isError = block.is_error === undefined ? false : booleanAt(block.is_error, fieldPath(path, 'is_error'));
  const text = toolResultText(block.content, fieldPath(path, 'content'));
  return withCacheControl({ role: 'tool', tool_call_id: toolCallId, content: isError ? `Error: ${text}` : text }, block, path);
}

function toolResultText(content: unknown, path: string): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return arrayAt(content, path)
    .map((value, k) => {
      const blockPath = fieldPath(path, k);
      const block = objectAt(value, blockPath);
      if (block.type === 'text') return textPart(block, blockPath).text;
      if (block.type === 'image') throw badField(fieldPath(blockPath, 'type'), "images in 'tool_result' are not supported by this gateway: OpenAI tool messages carry text only");
      if (block.type === 'document') throw badField(fieldPath(blockPath, 'type'), "'document' blocks in 'tool_result' are not supported by this gateway: OpenAI tool messages carry text only");
      throw unsupportedBlock(block.type, blockPath, 'tool_result');
    })
    .join('\n');
}

function assistantMessage(content: string | unknown[], path: string): Json {
  if (typeof content === 'string') return { role: 'assistant', content };
  const parts: Json[] = [];
  const thinkingBlocks: Json[] = [];
  const toolCalls: Json[] = [];
  content.forEach((value, j) => {
    const blockPath = fieldPath(path, j);
    const block = objectAt(value, blockPath);
    switch (block.type) {
      case 'text':
        parts.push(textPart(block, blockPath));
        break;
      case 'tool_use':
        toolCalls.push(toolCall(block, blockPath));
        break;
      case 'thinking':
        onlyKeys(block, THINKING_KEYS, blockPath);
        thinkingBlocks.push({
          type: 'thinking',
          thinking: stringAt(block.thinking, fieldPath(blockPath, 'thinking')),
          signature: stringAt(block.signature, fieldPath(blockPath, 'signature')),
        });
        break;
      case 'redacted_thinking':
        onlyKeys(block, REDACTED_THINKING_KEYS, blockPath);
        thinkingBlocks.push({ type: 'redacted_thinking', data: stringAt(block.data, fieldPath(blockPath, 'data')) });
        break;
      default:
        throw unsupportedBlock(block.type, blockPath, 'assistant');
    }
  });
  const text = textOrParts(parts, '');
  const message: Json = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (thinkingBlocks.length > 0) message.thinking_blocks = thinkingBlocks;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

function toolCall(block: Json, path: string): Json {
  onlyKeys(block, TOOL_USE_KEYS, path);
  const id = stringAt(block.id, fieldPath(path, 'id'));
  const name = stringAt(block.name, fieldPath(path, 'name'));
  if (!isRecord(block.input)) throw badField(fieldPath(path, 'input'), 'must be an object');
  return withCacheControl({ id, type: 'function', function: { name, arguments: JSON.stringify(block.input) } }, block, path);
}

function unsupportedBlock(type: unknown, path: string, where: string): GatewayError {
  const typePath = fieldPath(path, 'type');
  if (typeof type !== 'string') return badField(typePath, type === undefined ? 'Field required' : 'must be a string');
  return badField(typePath, `'${type}' blocks are not supported in ${where} content by this gateway`);
}
