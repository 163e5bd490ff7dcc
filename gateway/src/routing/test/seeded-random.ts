import { createRng } from '../../../../scenarios/src/sim/index.js';

/** A seeded PRNG (the simulator's) so tests that draw at random replay exactly. */
export const seededRandom = (seed: number): (() => number) => createRng(seed);
