import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface Proc {
  url: string;
  pid: number;
  child: ChildProcess;
  /** User + system CPU time of the process so far, in microseconds (Linux /proc). */
  cpuMicros(): number;
  stop(): Promise<void>;
}

/** Starts a compiled entry (`dist/...js`) and waits for its "listening on URL" line. */
export function startProc(entry: string, args: string[], env: Record<string, string> = {}): Promise<Proc> {
  const child = spawn(process.execPath, [join(ROOT, entry), ...args], { cwd: ROOT, env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s)]+)/.exec(out);
      if (m) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve({
          url: m[1],
          pid: child.pid ?? 0,
          child,
          cpuMicros: () => procCpuMicros(child.pid ?? 0),
          stop: () => new Promise((r) => {
            if (child.exitCode !== null) return r();
            child.once('exit', () => r());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before listening:\n${out}`)));
  });
}

function procCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return (ticks / 100) * 1e6; // USER_HZ is 100 on Linux
}
