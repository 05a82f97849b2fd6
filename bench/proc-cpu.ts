import fs from 'node:fs';

/** Linux reports process times in clock ticks of 10 ms (`getconf CLK_TCK` is 100 on every kernel we run on). */
const TICK_MS = 10;

interface ProcStat {
  /** The pid and its start time: a pid used again by a new process is another key. */
  key: string;
  pid: number;
  ppid: number;
  /** utime + stime: the process's own CPU, in ms. */
  cpuMs: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  // The command name sits in parentheses and may hold spaces; the fields after it are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    key: `${pid}@${fields[19]}`,
    pid,
    ppid: Number(fields[1]),
    cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
  };
}

function processTree(roots: number[]): ProcStat[] {
  const all = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== null);
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const tree: ProcStat[] = [];
  const visit = (stat: ProcStat) => {
    tree.push(stat);
    for (const child of children.get(stat.pid) ?? []) visit(child);
  };
  for (const stat of all) if (roots.includes(stat.pid)) visit(stat);
  return tree;
}

/**
 * CPU time used by processes and all their descendants (sandbox interpreters, database backends) between the
 * first sample and the last, in ms at 10 ms resolution. Each process counts its own time as last sampled, so one
 * that exits between samples loses only what it used after the last one; sample often while they run.
 */
export class CpuMeter {
  private readonly first = new Map<string, number>();
  private readonly last = new Map<string, number>();

  constructor(private readonly roots: number[]) {
    for (const stat of processTree(roots)) this.first.set(stat.key, stat.cpuMs);
  }

  sample(): void {
    for (const stat of processTree(this.roots)) this.last.set(stat.key, stat.cpuMs);
  }

  usedMs(): number {
    this.sample();
    let used = 0;
    for (const [key, ms] of this.last) used += ms - (this.first.get(key) ?? 0);
    return used;
  }
}

/** The postmaster of the PostgreSQL server listening on `port` (its command line carries `-p <port>`). */
export function postmasterPid(port: number): number {
  const matching = new Set<number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('postgres') && args.includes('-p') && args.includes(String(port))) {
        matching.add(Number(name));
      }
    } catch {
      // exited meanwhile
    }
  }
  for (const pid of matching) {
    const stat = readStat(pid);
    if (stat && !matching.has(stat.ppid)) return pid;
  }
  throw new Error(`no PostgreSQL server found on port ${port}`);
}
