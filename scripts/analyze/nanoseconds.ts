/** Cycles of the time-stamp counter in nanoseconds at the host's recorded TSC frequency; null when that is unknown. */
export function cyclesToNs(cycles: number | null, tscHz: number | null): number | null {
  return cycles === null || tscHz === null || tscHz <= 0 ? null : (cycles / tscHz) * 1e9;
}
