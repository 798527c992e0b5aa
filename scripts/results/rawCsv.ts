import type { Call, Fd, Placement, Tracer } from "../model/vocabulary.ts";
import { csvHeader, csvLines, readTypedCsv, type CsvColumns } from "./typedCsv.ts";

/** One measured round of a microbenchmark run: the tidy unit of raw.csv. */
export interface RawRow {
  host: string;
  call: Call;
  fd: Fd;
  tracer: Tracer;
  placement: Placement;
  trial: number;
  round: number;
  cycles: number;
  result: string;
}

const RAW_COLUMNS: CsvColumns<RawRow> = {
  host: "text", call: "text", fd: "text", tracer: "text", placement: "text", trial: "number", round: "number", cycles: "number", result: "text",
};

export const rawHeader = () => csvHeader(RAW_COLUMNS);
export const formatRawRows = (rows: RawRow[]) => csvLines(rows, RAW_COLUMNS);
export const readRawCsv = (path: string) => readTypedCsv(path, RAW_COLUMNS);
