import { InvalidArgumentError } from "commander";

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError(`expected an integer >= 1, got "${value}"`);
  return n;
}

export function hostList(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}
