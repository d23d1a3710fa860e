/**
 * Where the machine's CPU time goes during a measured load: the server process, the load
 * generator itself, and everything else (PostgreSQL, the kernel's loopback networking). On a
 * small machine where all three compete, CPU time per event is the fairer cost of a server.
 * The server's time is read from `/proc/<pid>/stat` (Linux); elsewhere it is null.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** CPU counters at one moment (ms). */
export interface CpuSnapshot {
  readonly wallMs: number;
  /** The server process, user + system, or null where /proc cannot be read. */
  readonly serverMs: number | null;
  /** This process (the load generator), user + system. */
  readonly selfMs: number;
  /** All CPUs of the machine: busy and total time. */
  readonly machineBusyMs: number;
  readonly machineTotalMs: number;
}

/** CPU time spent between two snapshots (ms), and the machine's core count. */
export interface CpuUsage {
  readonly wallMs: number;
  readonly serverMs: number | null;
  readonly loadGeneratorMs: number;
  readonly machineBusyMs: number;
  /** Busy time not spent in the server or the load generator: PostgreSQL, the kernel, anything else. */
  readonly otherMs: number;
  readonly cores: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU time of process `pid` (ms) from /proc, or null. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / clockTicks() : null;
  } catch {
    return null;
  }
}

/** Read the counters now. */
export function takeCpuSnapshot(serverPid: number | undefined): CpuSnapshot {
  clockTicks();
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  const self = process.cpuUsage();
  return {
    wallMs: performance.now(),
    serverMs: serverPid === undefined ? null : processCpuMs(serverPid),
    selfMs: (self.user + self.system) / 1000,
    machineBusyMs: busy,
    machineTotalMs: total,
  };
}

/** The CPU time spent from `before` to `after`. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUsage {
  const serverMs = before.serverMs === null || after.serverMs === null ? null : after.serverMs - before.serverMs;
  const loadGeneratorMs = after.selfMs - before.selfMs;
  const machineBusyMs = after.machineBusyMs - before.machineBusyMs;
  return {
    wallMs: after.wallMs - before.wallMs,
    serverMs,
    loadGeneratorMs,
    machineBusyMs,
    otherMs: Math.max(0, machineBusyMs - loadGeneratorMs - (serverMs ?? 0)),
    cores: cpus().length,
  };
}
