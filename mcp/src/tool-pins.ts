/** What the pin registry concluded about one tool definition seen upstream. */
export interface PinObservation {
  fingerprint: string;
  /** The approved (first seen or operator-approved) fingerprint. */
  pinned: string;
  /** `new`: first sighting (now pinned); `same`: matches the pin; `changed`: differs from it. */
  status: 'new' | 'same' | 'changed';
  /** True the first time this particular changed fingerprint is seen (record it once). */
  firstSighting: boolean;
}

export interface PinEntry {
  server: string;
  tool: string;
  pinned: string;
  current: string;
}

/**
 * Tool-definition pinning ("rug pull" detection): the first definition seen, or the one the
 * operator approved, is the pin; a later different definition is a change until approved.
 * In-memory; operators persist approvals as `approvedTools` in the config.
 */
export class ToolPins {
  private readonly pins = new Map<string, { pinned: string; current: string; seenChanges: Set<string> }>();

  constructor(approved: Iterable<{ server: string; tool: string; fingerprint: string }> = []) {
    for (const a of approved) this.pins.set(key(a.server, a.tool), { pinned: a.fingerprint, current: a.fingerprint, seenChanges: new Set() });
  }

  observe(server: string, tool: string, fingerprint: string): PinObservation {
    const k = key(server, tool);
    const entry = this.pins.get(k);
    if (entry === undefined) {
      this.pins.set(k, { pinned: fingerprint, current: fingerprint, seenChanges: new Set() });
      return { fingerprint, pinned: fingerprint, status: 'new', firstSighting: true };
    }
    entry.current = fingerprint;
    if (fingerprint === entry.pinned) return { fingerprint, pinned: entry.pinned, status: 'same', firstSighting: false };
    const firstSighting = !entry.seenChanges.has(fingerprint);
    entry.seenChanges.add(fingerprint);
    return { fingerprint, pinned: entry.pinned, status: 'changed', firstSighting };
  }

  /** True when `fingerprint` differs from the pin (a pending change). */
  isChanged(server: string, tool: string, fingerprint: string): boolean {
    const entry = this.pins.get(key(server, tool));
    return entry !== undefined && entry.pinned !== fingerprint;
  }

  /** Approves the current (or a given) definition: it becomes the pin. */
  approve(server: string, tool: string, fingerprint?: string): boolean {
    const entry = this.pins.get(key(server, tool));
    if (entry === undefined && fingerprint === undefined) return false;
    const next = fingerprint ?? entry?.current ?? '';
    this.pins.set(key(server, tool), { pinned: next, current: entry?.current ?? next, seenChanges: new Set() });
    return true;
  }

  list(): PinEntry[] {
    return [...this.pins.entries()].map(([k, e]) => {
      const [server = '', tool = ''] = k.split('\u0000');
      return { server, tool, pinned: e.pinned, current: e.current };
    });
  }
}

const key = (server: string, tool: string) => `${server}\u0000${tool}`;
