/** Text of the panel's figures: durations, shares, and one line saying where a frame's time went. */
import { CPU_USE_COUNT, CPU_USE_NAMES, CpuUse, detailSyscall, detailUse } from '../../analysis/cpu-use';
import type { CpuSplit } from '../../analysis/selection';
import { formatDuration } from '../../layout/time-format';

export const CPU_USE_COLORS: readonly string[] = ['#3a9d46', '#2f6bd0', '#e9cf4a', '#f08a24', '#9a4fc8', '#c3c8cf'];

export function formatShare(part: number, whole: number): string {
  if (!(whole > 0)) return '—';
  const p = (100 * part) / whole;
  return p >= 10 || p === 0 ? `${Math.round(p)}%` : `${p.toFixed(1)}%`;
}

export { formatDuration };

/** Off-CPU share: time not running on a CPU (blocked, waiting for a CPU, unknown). */
export function offCpuNs(catNs: ArrayLike<number>, base = 0): number {
  return catNs[base + CpuUse.Blocked] + catNs[base + CpuUse.WaitCpu] + catNs[base + CpuUse.Other];
}

/**
 * "blocked 82% in read, running user 10%, syscall 8% in read": categories largest first, each with the syscall
 * that holds most of it.
 */
export function describeSplit(split: CpuSplit, totalNs: number, syscallNames: Record<number, string>): string {
  const parts: string[] = [];
  const order = Array.from({ length: CPU_USE_COUNT }, (_, k) => k).sort((x, y) => split.catNs[y] - split.catNs[x]);
  for (const k of order) {
    const ns = split.catNs[k];
    if (!(ns > 0) || ns < totalNs * 0.005) continue;
    const top = split.details.find(([key]) => detailUse(key) === k);
    const inSys = top && top[1] >= ns * 0.5 ? ` in ${syscallNames[detailSyscall(top[0])] ?? '?'}` : '';
    parts.push(`${CPU_USE_NAMES[k]} ${formatShare(ns, totalNs)}${inSys}`);
  }
  return parts.join(', ');
}
