import type { CellStatus } from "./cell.ts";

/** What the run stage reports while it works. */
export type ProgressEvent =
  | { kind: "host-started"; host: string; cells: string[] } // building native/ and gathering facts
  | { kind: "host-measuring"; host: string }
  | { kind: "cell-ended"; host: string; cell: string; status: CellStatus; reason?: string }
  | { kind: "block-ended"; host: string; block: number; blocks: number }
  | { kind: "analysing" };

/** Events, or a line of text a stage wants shown as it is (booting a dual-boot machine, say). */
export type Progress = (event: ProgressEvent | string) => void;
