/**
 * The app's default terminal (`app.ts` imports `createBasicRouter` from here). It is the
 * full router now — priority/weighted/least-latency/least-cost groups, rules, retries,
 * breakers, quota awareness, hedging — with a monotonic clock and a silent logger; pass
 * `features.terminal: (d) => createRouter({ ...d, now, logger })` to give it yours.
 */
export { createDefaultRouter as createBasicRouter, modelNotFound } from './router.js';
