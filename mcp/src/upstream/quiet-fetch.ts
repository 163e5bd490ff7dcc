/**
 * `fetch` for the SDK's HTTP client transports. They pass one long-lived AbortSignal to
 * every request; undici adds a listener to it per request and removes it only when the
 * request is garbage collected. On a busy upstream that signal collects thousands of
 * listeners: each new request pays O(listeners) to add its own, and Node warns about a leak.
 *
 * Here every request gets its own AbortController, and the long-lived signal gets a single
 * listener that aborts the children still alive (held weakly; a child's signal keeps its
 * controller reachable for as long as undici holds the request).
 */
const children = new WeakMap<AbortSignal, { refs: Set<WeakRef<AbortController>>; adds: number }>();
const CONTROLLER = Symbol('sluice.controller');
const PRUNE_EVERY = 512;

function childSignal(parent: AbortSignal): AbortSignal {
  let entry = children.get(parent);
  if (entry === undefined) {
    const created = { refs: new Set<WeakRef<AbortController>>(), adds: 0 };
    parent.addEventListener('abort', () => {
      for (const ref of created.refs) ref.deref()?.abort(parent.reason);
      created.refs.clear();
    }, { once: true });
    children.set(parent, created);
    entry = created;
  }
  const child = new AbortController();
  (child.signal as AbortSignal & { [CONTROLLER]?: AbortController })[CONTROLLER] = child;
  entry.refs.add(new WeakRef(child));
  entry.adds += 1;
  if (entry.adds % PRUNE_EVERY === 0) for (const ref of entry.refs) if (ref.deref() === undefined) entry.refs.delete(ref);
  return child.signal;
}

export const quietFetch: typeof fetch = (input, init) => {
  const parent = init?.signal;
  if (!parent || parent.aborted) return fetch(input, init);
  return fetch(input, { ...init, signal: childSignal(parent) });
};
