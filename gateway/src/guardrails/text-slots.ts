/**
 * Where the scannable text sits in a payload: message contents (string or text parts),
 * tool-call arguments, embedding inputs, and any string of a JSON value (MCP tool
 * arguments and results). Rewrites copy only the objects on the path of a changed text.
 */

export type SlotPath = ReadonlyArray<string | number>;

export interface TextSlot {
  path: SlotPath;
  text: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text of a message `content` (string or array of parts) and its tool-call arguments. */
function messageSlots(msg: Obj, base: SlotPath, out: TextSlot[]): void {
  for (const field of ['content', 'refusal'] as const) {
    const content = msg[field];
    if (typeof content === 'string') out.push({ path: [...base, field], text: content });
    else if (Array.isArray(content)) {
      content.forEach((part, j) => {
        if (isObj(part) && typeof part.text === 'string') out.push({ path: [...base, field, j, 'text'], text: part.text });
      });
    }
  }
  const calls = msg.tool_calls;
  if (Array.isArray(calls)) {
    calls.forEach((call, k) => {
      if (isObj(call) && isObj(call.function) && typeof call.function.arguments === 'string') {
        out.push({ path: [...base, 'tool_calls', k, 'function', 'arguments'], text: call.function.arguments });
      }
    });
  }
}

function stringOrList(value: unknown, base: SlotPath, out: TextSlot[]): void {
  if (typeof value === 'string') out.push({ path: base, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => typeof v === 'string' && out.push({ path: [...base, i], text: v }));
}

/** Texts of an OpenAI-shaped request (chat messages, embeddings `input`, legacy `prompt`). */
export function requestSlots(body: Obj, skipMessage: (msg: unknown) => boolean = () => false): TextSlot[] {
  const out: TextSlot[] = [];
  if (Array.isArray(body.messages)) {
    body.messages.forEach((msg, i) => {
      if (isObj(msg) && !skipMessage(msg)) messageSlots(msg, ['messages', i], out);
    });
  }
  stringOrList(body.input, ['input'], out);
  stringOrList(body.prompt, ['prompt'], out);
  return out;
}

/**
 * How many of a request's slots (`requestSlots`, in order) lie in messages before the last
 * message that has any: the system prompt and history that an agent sends again on every
 * step. (A message a template appended has no slots, so the caller's last one still counts
 * as new.)
 */
export function historySlotCount(body: Obj, slots: readonly TextSlot[]): number {
  if (!Array.isArray(body.messages) || body.messages.length < 2) return 0;
  let messageSlots = 0;
  while (messageSlots < slots.length && slots[messageSlots].path[0] === 'messages') messageSlots++;
  if (messageSlots === 0) return 0;
  const last = slots[messageSlots - 1].path[1];
  let n = 0;
  while (n < messageSlots && slots[n].path[1] !== last) n++;
  return n;
}

/** Texts of an OpenAI chat.completion (or legacy completion) body. */
export function responseSlots(body: Obj): TextSlot[] {
  const out: TextSlot[] = [];
  if (!Array.isArray(body.choices)) return out;
  body.choices.forEach((choice, i) => {
    if (!isObj(choice)) return;
    if (isObj(choice.message)) messageSlots(choice.message, ['choices', i, 'message'], out);
    if (typeof choice.text === 'string') out.push({ path: ['choices', i, 'text'], text: choice.text });
  });
  return out;
}

/** Every string value of a JSON value (keys are left alone), depth- and count-bounded. */
export function jsonSlots(value: unknown, maxDepth = 64, maxSlots = 100_000): TextSlot[] {
  const out: TextSlot[] = [];
  const walk = (v: unknown, path: Array<string | number>, depth: number): void => {
    if (out.length >= maxSlots || depth > maxDepth) return;
    if (typeof v === 'string') out.push({ path: [...path], text: v });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], depth + 1));
    else if (isObj(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k], depth + 1);
  };
  walk(value, [], 0);
  return out;
}

function setAt(node: unknown, path: SlotPath, at: number, value: string): unknown {
  if (at === path.length) return value;
  const key = path[at];
  if (Array.isArray(node)) {
    const copy = [...node];
    copy[key as number] = setAt(node[key as number], path, at + 1, value);
    return copy;
  }
  const obj = node as Obj;
  const child = setAt(obj[key as string], path, at + 1, value);
  // A computed key in the literal defines an own property even for `__proto__` (a JSON
  // key like any other), where an assignment would set the prototype; the copy-then-set
  // form is the faster one otherwise.
  if (key === '__proto__') return { ...obj, [key]: child };
  const copy: Obj = { ...obj };
  copy[key as string] = child;
  return copy;
}

/** A copy of `root` with each changed slot's text replaced; unchanged branches are shared. */
export function writeSlots<T>(root: T, slots: readonly TextSlot[], texts: readonly string[]): T {
  let out: unknown = root;
  for (let i = 0; i < slots.length; i++) if (texts[i] !== slots[i].text) out = setAt(out, slots[i].path, 0, texts[i]);
  return out as T;
}
