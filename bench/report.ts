/** A markdown table printer for bench sections. */
export function table(title: string, header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [`### ${title}`, '', line(header), line(header.map(() => '---')), ...rows.map(line), ''].join('\n');
}

export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const roundRatios = (xs: number[], base: number[]): number[] => xs.map((x, i) => x / base[i]);

/**
 * The median of round-by-round ratios `xs[i] / base[i]`. Each round measures both within
 * seconds of each other, so a host whose speed drifts during the run (this one does, by up
 * to 30 %) shifts both alike; a ratio of medians taken over the whole run would not cancel it.
 */
export const pairedRatio = (xs: number[], base: number[]): number => median(roundRatios(xs, base));

/**
 * `pairedRatio` with the lowest and highest round-by-round ratio, `0.962× (0.931–0.990)`:
 * how far one round can stray on this host, next to a goal's margin.
 */
export function pairedRatioText(xs: number[], base: number[]): string {
  const r = roundRatios(xs, base);
  return `${fmt(median(r), 3)}× (${fmt(Math.min(...r), 3)}–${fmt(Math.max(...r), 3)})`;
}

/** A round's phases in the given order on even rounds and reversed on odd ones, so no variant always runs right after another. */
export const roundOrder = <T>(items: readonly T[], round: number): T[] => (round % 2 === 0 ? [...items] : [...items].reverse());
