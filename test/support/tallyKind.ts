// A third experiment kind that exists only in the tests: it proves that a
// kind is one folder's worth of code and one registry line, and that every
// stage serves it without knowing it. A "tally" counts the letters of words
// on a host, each word repeated; the host's program "tt-tally" answers.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { groupBy } from "../../scripts/analyze/groupBy.ts";
import type { ExperimentKind } from "../../scripts/kinds/kind.ts";
import type { CellOutcome } from "../../scripts/model/cell.ts";
import type { RunManifest } from "../../scripts/model/manifest.ts";
import { html, table } from "../../scripts/render/html.ts";
import { appendDurably, writeFileAtomic } from "../../scripts/results/atomicWrite.ts";
import { csvHeader, csvLines, readTypedCsv, type CsvColumns } from "../../scripts/results/typedCsv.ts";
import { integerAtLeast, listOf, specIdentity, text } from "../../scripts/spec/schema.ts";

const schema = z.strictObject({ kind: z.literal("tally"), ...specIdentity, words: listOf("word", text("a word")), repetitions: integerAtLeast(1) });
type TallySpec = z.infer<typeof schema>;
type TallyCell = CellOutcome & { word: string };
type TallySettings = { repetitions: number };
type TallyManifest = RunManifest<"tally", TallySettings, TallyCell>;

interface TallyRow {
  host: string;
  word: string;
  repetition: number;
  letters: number;
}
const COLUMNS: CsvColumns<TallyRow> = { host: "text", word: "text", repetition: "number", letters: "number" };
export const TALLY_CSV = "tally.csv";
export const readTally = (dir: string) => readTypedCsv(join(dir, TALLY_CSV), COLUMNS);
const cellOf = (r: { host: string; word: string }) => `${r.host}/${r.word}`;
const summaryOf = (rows: TallyRow[]) =>
  [...groupBy(rows, cellOf)].map(([cell, rs]) => `${cell},${rs.length},${rs.reduce((sum, r) => sum + r.letters, 0)}`).join("\n") + "\n";

export const tallyKind: ExperimentKind = {
  name: "tally",
  schema,
  payload: "manifest.json, tally.csv (one row per repetition) and tally-summary.csv",
  settings: (spec: TallySpec) => ({ repetitions: spec.repetitions }),
  plan: (spec: TallySpec, _s, hosts) => hosts.flatMap((host) => spec.words.map((word) => ({ id: cellOf({ host, word }), host, word, status: "pending" as const }))),
  describe: (cell: TallyCell) => `the letters of ${cell.word}`,
  unavailable: (cell: TallyCell) => (cell.word === "forbidden" ? "this word is never tallied" : null),
  preflight: async () => {},
  startRows: (dir) => writeFileAtomic(join(dir, TALLY_CSV), csvHeader(COLUMNS)),
  // A cell is written whole, as a micro cell is: a cell not done starts again.
  reopen(dir, manifest: TallyManifest, cells: TallyCell[]) {
    const done = new Set(manifest.cells.filter((c) => c.status === "done").map((c) => c.id));
    writeFileAtomic(join(dir, TALLY_CSV), csvHeader(COLUMNS) + csvLines(readTally(dir).filter((r) => done.has(cellOf(r))), COLUMNS));
    return cells;
  },
  blocks: () => 1, // a cell is measured whole, in one go
  async measure(host, cells: TallyCell[], ctx) {
    for (const cell of cells) {
      if (ctx.signal?.aborted) return ctx.stopped("interrupted (signal)");
      const rows: TallyRow[] = [];
      for (let repetition = 1; repetition <= (ctx.settings as TallySettings).repetitions; repetition++) {
        const r = await host.runNative("tt-tally", [cell.word], { timeoutSeconds: 5 });
        rows.push({ host: host.name, word: cell.word, repetition, letters: Number(r.stdout) });
      }
      appendDurably(join(ctx.runDir, TALLY_CSV), csvLines(rows, COLUMNS));
      ctx.settle(cell, "done");
    }
  },
  analyze(dir) {
    const rows = readTally(dir);
    writeFileAtomic(join(dir, "tally-summary.csv"), summaryOf(rows));
    return { file: join(dir, "tally-summary.csv"), rows: new Set(rows.map(cellOf)).size };
  },
  comparable: (dir) => ({
    sample: "letters, one per repetition",
    cells: [...groupBy(readTally(dir), cellOf)].map(([, rs]) => ({ host: rs[0].host, name: rs[0].word, samples: rs.map((r) => r.letters) })),
  }),
  verify(dir, manifest) {
    const rows = readTally(dir);
    const problems = manifest.cells
      .filter((c) => (c.status === "done") !== (rows.filter((r) => cellOf(r) === c.id).length === (manifest.settings as TallySettings).repetitions))
      .map((c) => `${TALLY_CSV}: ${c.id}: ${rows.filter((r) => cellOf(r) === c.id).length} rows, marked ${c.status}`);
    const summary = join(dir, "tally-summary.csv");
    if (!existsSync(summary) || readFileSync(summary, "utf8") !== summaryOf(rows)) problems.push("tally-summary.csv: not what tally.csv gives");
    return { problems, verified: `${rows.length} rows in ${TALLY_CSV}` };
  },
  table: (dir) => readTally(dir).map((r) => `${r.host} ${r.word} ${r.repetition} ${r.letters}`),
  async report(dir) {
    const rows = readTally(dir);
    return {
      title: "Tallies",
      contents: [html`<a href="#tallies">Tallies</a>`],
      sections: html`<section id="tallies"><h2>Tallies</h2>${table(["host", "word", "repetition", "letters"], rows.map((r) => [r.host, r.word, r.repetition, r.letters]))}</section>`,
      files: [],
    };
  },
};
