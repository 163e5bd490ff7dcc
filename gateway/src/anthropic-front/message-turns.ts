import type { GatewayError } from '../errors.js';
import { arrayAt, booleanAt, fieldPath, objectAt, onlyKeys, stringAt } from './request-checks.js';
import { type Json, badField, isRecord } from '../schemas/json-checks.js';

/**
 * Anthropic `messages` → OpenAI chat messages, validating every block on the way (the field
 * path of the first problem is in the 400). Choices that are not forced by the two APIs:
 *
 * - User text blocks are joined with '\n' into string content when a message has no image:
 *   vLLM joins text parts the same way for string-only chat templates, and plain strings work
 *   on every OpenAI-style upstream. With an image the parts are kept, in order.
 * - Assistant text blocks are joined with '': they are consecutive pieces of one answer.
 * - `tool_result` blocks become `tool` messages placed before the rest of their user message,
 *   because OpenAI wants tool messages right after the assistant's tool calls. Their content
 *   is flattened to text ('\n' between blocks). OpenAI has no error flag on tool messages, so
 *   `is_error: true` is kept as an `Error: ` prefix the model can read.
 * - `thinking` / `redacted_thinking` blocks in assistant history are dropped: their signature
 *   only means something to Anthropic, and OpenAI-style reasoning upstreams (DeepSeek, vLLM)
 *   take no reasoning input (DeepSeek rejects `reasoning_content` in input messages).
 * - `cache_control` is accepted and ignored everywhere: OpenAI-style upstreams cache prompt
 *   prefixes on their own. `citations` on text and `caller` on tool_use (echoed back from
 *   earlier Anthropic answers) are accepted and ignored too.
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
const DOCUMENT_UNSUPPORTED = "'document' blocks are not supported by this gateway: OpenAI-style upstreams have no equivalent content part";

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
        out.push({ role: 'system', content: systemText(content, contentPath) });
        break;
      default:
        throw badField(fieldPath(path, 'role'), "must be 'user' or 'assistant'");
    }
  });
  return out;
}

/** System text from a string or text blocks (top-level `system` and `system` role turns). */
export function systemText(content: unknown, path: string): string {
  if (typeof content === 'string') return content;
  return arrayAt(content, path)
    .map((block, j) => {
      const blockPath = fieldPath(path, j);
      const b = objectAt(block, blockPath);
      if (b.type !== 'text') throw badField(fieldPath(blockPath, 'type'), "only 'text' blocks are allowed here");
      return textOf(b, blockPath);
    })
    .join('\n');
}

function textOf(block: Json, path: string): string {
  onlyKeys(block, TEXT_KEYS, path);
  return stringAt(block.text, fieldPath(path, 'text'));
}

function appendUserTurn(out: Json[], content: string | unknown[], path: string): void {
  if (typeof content === 'string') {
    out.push({ role: 'user', content });
    return;
  }
  const parts: Json[] = [];
  let onlyText = true;
  content.forEach((value, j) => {
    const blockPath = fieldPath(path, j);
    const block = objectAt(value, blockPath);
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: textOf(block, blockPath) });
        break;
      case 'image':
        parts.push({ type: 'image_url', image_url: { url: imageUrl(block, blockPath) } });
        onlyText = false;
        break;
      case 'tool_result':
        out.push(toolMessage(block, blockPath));
        break;
      case 'document':
        throw badField(fieldPath(blockPath, 'type'), DOCUMENT_UNSUPPORTED);
      default:
        throw unsupportedBlock(block.type, blockPath, 'user');
    }
  });
  if (parts.length === 0) return;
  out.push({ role: 'user', content: onlyText ? parts.map((p) => p.text).join('\n') : parts });
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
  return { role: 'tool', tool_call_id: toolCallId, content: isError ? `Error: ${text}` : text };
}

function toolResultText(content: unknown, path: string): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return arrayAt(content, path)
    .map((value, k) => {
      const blockPath = fieldPath(path, k);
      const block = objectAt(value, blockPath);
      if (block.type === 'text') return textOf(block, blockPath);
      if (block.type === 'image') throw badField(fieldPath(blockPath, 'type'), "images in 'tool_result' are not supported by this gateway: OpenAI tool messages carry text only");
      if (block.type === 'document') throw badField(fieldPath(blockPath, 'type'), DOCUMENT_UNSUPPORTED);
      throw unsupportedBlock(block.type, blockPath, 'tool_result');
    })
    .join('\n');
}

function assistantMessage(content: string | unknown[], path: string): Json {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  const toolCalls: Json[] = [];
  content.forEach((value, j) => {
    const blockPath = fieldPath(path, j);
    const block = objectAt(value, blockPath);
    switch (block.type) {
      case 'text':
        text += textOf(block, blockPath);
        break;
      case 'tool_use':
        toolCalls.push(toolCall(block, blockPath));
        break;
      case 'thinking':
        onlyKeys(block, THINKING_KEYS, blockPath);
        stringAt(block.thinking, fieldPath(blockPath, 'thinking'));
        break;
      case 'redacted_thinking':
        onlyKeys(block, REDACTED_THINKING_KEYS, blockPath);
        stringAt(block.data, fieldPath(blockPath, 'data'));
        break;
      default:
        throw unsupportedBlock(block.type, blockPath, 'assistant');
    }
  });
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
}

function toolCall(block: Json, path: string): Json {
  onlyKeys(block, TOOL_USE_KEYS, path);
  const id = stringAt(block.id, fieldPath(path, 'id'));
  const name = stringAt(block.name, fieldPath(path, 'name'));
  if (!isRecord(block.input)) throw badField(fieldPath(path, 'input'), 'must be an object');
  return { id, type: 'function', function: { name, arguments: JSON.stringify(block.input) } };
}

function unsupportedBlock(type: unknown, path: string, where: string): GatewayError {
  const typePath = fieldPath(path, 'type');
  if (typeof type !== 'string') return badField(typePath, type === undefined ? 'Field required' : 'must be a string');
  return badField(typePath, `'${type}' blocks are not supported in ${where} content by this gateway`);
}
