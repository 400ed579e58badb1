/**
 * CPU time of processes from /proc (Linux): utime + stime of every process in a process group, so a
 * server's helper processes count with it. Read before and after a run; the difference is its cost.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticks: number | undefined;
/** Clock ticks per second (USER_HZ), usually 100. */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

export interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  /** utime + stime, seconds. */
  cpuSeconds: number;
}

/** One /proc/<pid>/stat; undefined when the process is gone. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid = 4, pgrp = 5, utime = 14, stime = 15.
  const at = (field: number) => Number(fields[field - 3]);
  return { pid, ppid: at(4), pgrp: at(5), cpuSeconds: (at(14) + at(15)) / clockTicks() };
}

export function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat !== undefined) out.push(stat);
  }
  return out;
}

export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((part) => part !== '');
  } catch {
    return [];
  }
}

/** CPU seconds used so far by the live processes of each group (keyed by group id). */
export function groupCpuSeconds(groups: readonly number[]): Map<number, number> {
  const totals = new Map<number, number>(groups.map((g) => [g, 0]));
  for (const stat of allStats()) {
    const sum = totals.get(stat.pgrp);
    if (sum !== undefined) totals.set(stat.pgrp, sum + stat.cpuSeconds);
  }
  return totals;
}

/** The 1-minute load average. */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}
