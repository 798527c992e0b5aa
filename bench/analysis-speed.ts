// How long the block bootstrap takes on run shapes of the size the pipeline
// meets: `npx tsx bench/analysis-speed.ts`. The goal is 100k rounds with
// 2,000 resamples in at most 3 s on a 2-core machine. Prints one line per
// shape; timings on a shared machine vary, so each shape is timed a few times
// and the fastest and the median are shown, in wall-clock time and in CPU
// time (which other processes inflate less).
import { blockBootstrap } from "../scripts/analyze/blockBootstrap.ts";
import { median } from "../scripts/analyze/quickselect.ts";
import { SimulatedRun, type CellModel, type HostModel } from "../test/support/simulatedRun.ts";

const RESAMPLES = 2000;
const REPEATS = 3;

/** A host of `plains` plain cells, each with `tracedPer` traced cells, every fourth traced cell bimodal (ptrace's flapping). */
function host(plains: number, tracedPer: number, rounds: number): HostModel {
  const noise = { roundSd: 0.04, spikeShare: 0.05, spikeMean: 0.5, trialSd: 0.06, ownDriftSd: 0.01 };
  const cells: CellModel[] = [];
  for (let p = 0; p < plains; p++) {
    const plain = `plain-${p}`;
    cells.push({ id: plain, level: Math.log(500 + 50 * p), ...noise });
    for (let t = 0; t < tracedPer; t++) {
      const upper = t % 4 === 3 ? { share: 0.3, shareSd: 0.5, factor: 3 } : undefined;
      cells.push({ id: `${plain}-traced-${t}`, plain, level: Math.log((500 + 50 * p) * (4 + t)), ...noise, upper });
    }
  }
  return { cells, rounds, runSd: 0.1, driftSd: 0.05, driftCorrelation: 0.5 };
}

const shapes = [
  { name: "40 cells × 10 blocks × 255 rounds", model: host(8, 4, 255), blocks: 10 },
  { name: "170 cells × 5 blocks × 100 rounds", model: host(34, 4, 100), blocks: 5 },
];

for (const shape of shapes) {
  const run = new SimulatedRun(shape.model, 7);
  run.addBlocks(shape.blocks);
  const cells = run.cells();
  const rounds = cells.reduce((n, c) => n + [...c.trials.values()].reduce((m, t) => m + t.length, 0), 0);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    const startCpu = process.cpuUsage();
    blockBootstrap(cells, { resamples: RESAMPLES, seed: 1 });
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1e6);
    wall.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const fastest = Math.min(...wall);
  console.log(
    `${shape.name}: ${rounds} rounds, ${RESAMPLES} resamples: wall fastest ${fastest.toFixed(2)} s, median ${median(wall).toFixed(2)} s; ` +
      `CPU fastest ${Math.min(...cpu).toFixed(2)} s (${((rounds * RESAMPLES) / fastest / 1e6).toFixed(0)} M resampled rounds/s)`,
  );
}
