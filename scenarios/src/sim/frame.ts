/**
 * One piece of a streamed answer, already framed as SSE text. `kind` lets the writer place
 * faults: `disconnect-after=N` and `malformed-after=N` count `content` frames and act
 * before the next `content` or `tail` frame.
 */
export interface Frame {
  readonly data: string;
  /** Wait before this frame, measured from the previous frame's scheduled time. */
  readonly delayMs: number;
  readonly kind: 'head' | 'content' | 'tail';
}

/** Metadata every response of one request shares. */
export interface ResponseMeta {
  readonly id: string;
  /** Unix seconds. */
  readonly created: number;
  readonly model: string;
  readonly fingerprint: string;
}
