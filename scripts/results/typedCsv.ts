import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

/** How one column is read back: as text, a number (null when empty), a boolean or a ";"-separated list. */
export type ColumnType = "text" | "number" | "boolean" | "list";

/** A CSV file's columns in order, each with its type: the one description its reader and writer share. */
export type CsvColumns<T> = { [K in keyof T]: ColumnType };

/** Rows of a CSV file with a header, each column typed as declared; columns the file lacks are null. */
export function readTypedCsv<T>(path: string, columns: CsvColumns<T>): T[] {
  const records: Record<string, string>[] = parse(readFileSync(path), { columns: true, skip_empty_lines: true });
  const entries = Object.entries(columns) as [string, ColumnType][];
  return records.map((r) => {
    const row: Record<string, unknown> = {};
    for (const [name, type] of entries) {
      const v = r[name];
      if (type === "text") row[name] = v ?? "";
      else if (type === "boolean") row[name] = v === "true";
      else if (type === "list") row[name] = v ? v.split(";") : [];
      else row[name] = v === "" || v === undefined ? null : Number(v);
    }
    return row as T;
  });
}

/** The header line of a CSV file with these columns. */
export function csvHeader<T>(columns: CsvColumns<T>): string {
  return stringify([Object.keys(columns)]);
}

/** Rows as CSV lines (no header), each value made text by `text` (by default: as it is, lists joined by ";", null empty). */
export function csvLines<T>(rows: T[], columns: CsvColumns<T>, text: (column: keyof T, value: T[keyof T]) => string = plainText): string {
  const names = Object.keys(columns) as (keyof T)[];
  return stringify(rows.map((r) => names.map((c) => text(c, r[c]))));
}

function plainText(_column: unknown, value: unknown): string {
  if (value === null || value === undefined) return "";
  return Array.isArray(value) ? value.join(";") : String(value);
}
