/** Extra cycles a traced cell costs over its plain cell. */
export function overheadCycles(traced: number, plain: number): number {
  return traced - plain;
}

/** The same, as a percentage of the plain cell (the paper's bar labels). */
export function overheadPercent(traced: number, plain: number): number {
  return ((traced - plain) / plain) * 100;
}
