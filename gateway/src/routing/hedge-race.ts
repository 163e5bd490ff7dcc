import { toGatewayError } from '../errors.js';
import type { Outcome } from '../pipeline/outcome.js';
import { AttemptFailed, type RunningAttempt } from './attempt-runner.js';
import { hedgeLost } from './cancel-reasons.js';
import { discardStream } from './prime-stream.js';

export interface HedgeOptions {
  /** Start a hedge when no attempt has answered after this long; undefined = never hedge. */
  afterMs: number | undefined;
  maxHedges: number;
  /** Starts the next attempt as a hedge, or undefined when no target or attempt budget is left. */
  startHedge: () => RunningAttempt | undefined;
}

export interface RaceWon {
  winner: RunningAttempt;
  outcome: Outcome;
  /** Attempts that failed along the way (their targets are marked tried). */
  failures: Array<{ run: RunningAttempt; failure: AttemptFailed }>;
  hedges: number;
}

/** Every attempt of the race failed. */
export class RaceLost extends Error {
  constructor(readonly failures: Array<{ run: RunningAttempt; failure: AttemptFailed }>, readonly hedges: number) {
    super('every attempt failed');
    this.name = 'RaceLost';
  }
}

/**
 * Runs `first`, and — when hedging is on and it has not answered after `afterMs` — starts
 * up to `maxHedges` more attempts on other targets. The first answer wins and the others
 * are aborted (a loser that already holds a stream has it closed). A failure does not end
 * the race while another attempt is still running; when all have failed, rejects with
 * `RaceLost` so the caller can fail over as usual.
 */
export function raceWithHedges(first: RunningAttempt, opts: HedgeOptions): Promise<RaceWon> {
  return new Promise<RaceWon>((resolve, reject) => {
    const running = new Set<RunningAttempt>();
    const failures: RaceWon['failures'] = [];
    let hedges = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const arm = () => {
      if (opts.afterMs === undefined || hedges >= opts.maxHedges) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (settled) return;
        const run = opts.startHedge();
        if (!run) return;
        hedges++;
        add(run);
        arm();
      }, opts.afterMs);
    };

    const finish = () => {
      settled = true;
      if (timer) clearTimeout(timer);
    };

    const add = (run: RunningAttempt) => {
      running.add(run);
      run.done.then(
        (outcome) => {
          running.delete(run);
          if (settled) {
            if (outcome.kind === 'stream') void discardStream(outcome);
            return;
          }
          finish();
          for (const other of running) other.controller.abort(hedgeLost());
          resolve({ winner: run, outcome, failures, hedges });
        },
        (err: unknown) => {
          running.delete(run);
          if (settled) return;
          failures.push({ run, failure: err instanceof AttemptFailed ? err : new AttemptFailed(toGatewayError(err), undefined) });
          // Keep racing while another attempt runs or a hedge may still start.
          if (running.size === 0) {
            finish();
            reject(new RaceLost(failures, hedges));
          }
        },
      );
    };

    add(first);
    arm();
  });
}
