import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The load generator watching itself: event-loop delay (a busy loop delays every timer and
 * every socket read, i.e. inflates the latencies it measures) and CPU time per call. The
 * report shows these next to the start lag so a reader can tell gateway latency from
 * generator trouble.
 */

export interface GeneratorOverhead {
  eventLoopDelayMs: { mean: number; p50: number; p99: number; max: number };
  /** User + system CPU of this process during the load. */
  cpuMs: number;
  cpuMsPerCall: number;
  /** Share of one core the process used during the load. */
  cpuCoreShare: number;
  maxRssMb: number;
}

export interface OverheadMonitor {
  stop(calls: number): GeneratorOverhead;
}

const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function startOverheadMonitor(now: () => number): OverheadMonitor {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = now();
  let maxRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage.rss());
  }, 500);
  rssTimer.unref();
  return {
    stop(calls) {
      loop.disable();
      clearInterval(rssTimer);
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const wallMs = Math.max(1, now() - t0);
      const ns = (v: number) => round(Number.isFinite(v) ? v / 1e6 : 0);
      return {
        eventLoopDelayMs: { mean: ns(loop.mean), p50: ns(loop.percentile(50)), p99: ns(loop.percentile(99)), max: ns(loop.max) },
        cpuMs: round(cpuMs, 1),
        cpuMsPerCall: calls > 0 ? round(cpuMs / calls) : 0,
        cpuCoreShare: round(cpuMs / wallMs),
        maxRssMb: round(Math.max(maxRss, process.memoryUsage.rss()) / 1_048_576, 1),
      };
    },
  };
}
