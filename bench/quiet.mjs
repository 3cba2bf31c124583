// Is the machine quiet? Under 15% of a CPU busy over a one-second sample of
// /proc/stat, waited for up to QUIET_MAX_S (default 30) seconds: what the
// nft and CNI benchmarks check before each run, marking a run that started
// on a busy machine DISTURBED.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const QUIET_MAX_S = Number(process.env.QUIET_MAX_S ?? 30);

function cpuSample() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}

/** CPUs busy (0..ncpu) over one second. */
export async function busyCpus() {
  const a = cpuSample();
  await new Promise((r) => setTimeout(r, 1000));
  const b = cpuSample();
  const total = b.total - a.total;
  return total <= 0 ? 0 : ((total - (b.idle - a.idle)) / total) * cpus().length;
}

/** Wait for a quiet machine: { quiet, busy }. */
export async function waitQuiet() {
  const t0 = Date.now();
  let busy = await busyCpus();
  while (busy >= 0.15 && Date.now() - t0 < QUIET_MAX_S * 1000) busy = await busyCpus();
  return { quiet: busy < 0.15, busy };
}

/** The median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
