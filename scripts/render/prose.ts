import { INTERVAL_LEVEL } from "../analyze/blockBootstrap.ts";
import { CELL_WARNINGS, HOST_WARNINGS } from "../analyze/warnings.ts";
import { type MicroManifest } from "../model/manifest.ts";
import { DEFAULT_ANALYSIS } from "../model/manifest.ts";
import { html, type Html } from "./html.ts";
import { hostsOf } from "../model/manifest.ts";
import { warningLegend } from "./warningView.ts";

/** What the 2009 study was and what this run reproduces of it. */
export function studySection(manifest: MicroManifest): Html {
  return html`<section id="study">
<h2>The study</h2>
<p>Jörg Zinke (Potsdam University, Institute for Computer Science, Operating Systems and Distributed Systems)
presented <cite>System call tracing overhead</cite> in Dresden on 2009-10-29. He timed <code>open()</code>,
<code>write()</code>, <code>close()</code> and the sequence open-write-close in CPU cycles read from the time-stamp
counter, with valid and with invalid file descriptors, plain and traced: by Linux ptrace on CentOS 5.2 and by the
kernel systrace of OpenBSD 4.3, on one dual-core Xeon 1.86 GHz booted into either system. Every measurement was
repeated 51 times and the median of the 51 rounds taken as the result.</p>
<p>Frames 25–28 of the slides show the plain calls, the “flapping” of <code>write()</code> under ptrace, and the
overhead of tracing with valid (27) and invalid (28) descriptors, as cycles with the overhead in percent on each bar.
This run (spec <code>${manifest.spec.path}</code>) redraws those four figures for every host it measured and sets
its overheads beside the published percentages. The published numbers are read from the slides' bar labels, which the
slide text lists series by series; that reading of their order is ours.</p>
${runScope(manifest)}
</section>`;
}

/** What this run measured: hosts, cells by status, rounds and trials. */
function runScope(manifest: MicroManifest): Html {
  const count = (status: string) => manifest.cells.filter((c) => c.status === status).length;
  const { rounds, trials } = manifest.settings;
  const hosts = hostsOf(manifest);
  return html`<p>This run measured ${count("done")} of ${manifest.cells.length} cells on ${hosts.length} host(s)
(${hosts.join(", ")}), each as ${trials} trials of ${rounds} rounds; ${count("skipped")} were skipped and ${count("failed")} failed
(see “What was not measured, and why”). Every number below comes from the run's <code>summary.csv</code> and
<code>manifest.json</code>.</p>`;
}

/** How the numbers were made, including the definition of wc and bc that the slides leave open. */
export function methodologySection(manifest: MicroManifest): Html {
  const { rounds, warmup, trials, timeoutSeconds } = manifest.settings;
  return html`<section id="methodology">
<h2>Methodology</h2>
<ul>
<li><b>Timer.</b> The CPU's time-stamp counter, read with fences that stop reordering (lfence; rdtsc … rdtscp; lfence
on x86-64). Cycles are reported raw. The cost of an empty timed region is measured in every trial and recorded (the
“timer overhead” of each host above); it is not subtracted.</li>
<li><b>Rounds and median.</b> Each trial first runs warm-up rounds that are not measured (${warmup}), then ${rounds} measured rounds
(the paper: 51); a cell's result is the median of its rounds, as in the paper, with the 95% interval of that median
(below); the quartiles q1 and q3, min and max are in <code>summary.csv</code>.</li>
<li><b>Trials.</b> ${trials} trials per cell, each an independent benchmark process with a fresh tracer, so that
variation between processes shows; a cell's statistics pool the rounds of all its trials. Every process has a time
limit of ${timeoutSeconds} s.</li>
<li><b>Calls and descriptors.</b> Valid: <code>open</code> creates a file in a scratch directory, <code>write</code>
writes a small fixed buffer to an open file, <code>close</code> closes a descriptor opened outside the timed region.
Invalid: <code>write(-1, …)</code> and <code>close(-1)</code> (EBADF), and <code>open</code> of a path in a directory
that does not exist (ENOENT). open-write-close is timed as one region. Each round's result is recorded.</li>
<li><b>Tracers.</b> ptrace: a separate tracer process attaches to the running benchmark by PID, stops it at every
system call with PTRACE_SYSCALL and detaches at the end. systrace: OpenBSD's <code>/dev/systrace</code>; it exists only
on OpenBSD up to 5.9, and its cells are skipped elsewhere.</li>
<li><b>Overhead.</b> Each traced trial is paired with the trial of the plain cell under the same pinning of the
benchmark (unpinned against unpinned; same-cpu and cross-cpu against pinned) that ran in the same block: the overhead is
the mean over blocks of traced trial median − plain trial median, in cycles, and in percent of the plain trials'
medians; the ratio is the geometric mean over blocks of traced trial median ÷ plain trial median.</li>
<li><b>ptrace (wc) and ptrace (bc).</b> The slides do not define them. Ours: the rounds of a cell (all trials pooled)
are split into two modes when clearly bimodal (2-means on log cycles, each mode at least 10% of rounds, the modes'
medians at least 1.5× apart); bc is the median of the lower mode, wc of the upper; a unimodal cell has wc = bc =
median.</li>
<li><b>Placement.</b> Tracer and benchmark run unpinned, pinned to the same CPU, or pinned to different CPUs, the
likeliest cause of the flapping. The paper's figures are drawn for unpinned cells.</li>
</ul>
${statisticsMethods(manifest)}
</section>`;
}

const percent = (level: number) => `${Math.round(level * 100)}%`;

/** How the intervals, tests and warnings are computed, with the settings this run used. */
function statisticsMethods(manifest: MicroManifest): Html {
  const { bootstrapResamples, seed } = manifest.settings.analysis ?? DEFAULT_ANALYSIS;
  const recorded = manifest.settings.analysis ? "as recorded in manifest.json" : "the defaults: this manifest.json predates recording them";
  return html`<h3>Statistics</h3>
<ul>
<li><b>Trials in blocks.</b> A run is a sequence of blocks; block k runs trial k of every cell of a host, each
trial a fresh benchmark process (and tracer), in an order drawn from the run's order seed (${manifest.settings.orderSeed ?? "none recorded: this run measured its cells one after another"}).
Plain and traced trials of a block share the machine's state of that moment, so slow drift moves both (randomized
multiple interleaved trials, Abedi &amp; Brecht, ICPE 2017). Each trial's environment is padded by a random number of
bytes and ASLR stays on, so the trials sample the layout effects a single process would fix by chance (Mytkowicz et al.,
ASPLOS 2009; Curtsinger &amp; Berger, ASPLOS 2013).</li>
<li><b>Intervals.</b> ${percent(INTERVAL_LEVEL)}, from a two-level bootstrap: the host's blocks are resampled with
replacement (one list for all its cells, since one plain trial serves several traced cells), then the rounds within
each resampled trial; every estimate is computed again, ${bootstrapResamples} times, from a seeded generator (seed
${seed}; ${recorded}); the interval is the expanded percentile interval, which keeps its level with as few as ten blocks.
The process, not the round, is the unit of replication (Kalibera &amp; Jones, ISMM 2013): rounds of one process share its
placement, caches and moment, so intervals from pooled rounds come out far too narrow. Where the interval of an overhead
includes zero, the report says “no measurable overhead”. For ptrace (wc) and (bc) the split is held where the data put it,
so their intervals are conditional on the split. With a single trial there is no interval.</li>
<li><b>Variation at each level.</b> As standard deviations of log cycles (±2% reads as 0.02): of the rounds within a
trial, and of the trials within the run beyond what the rounds' own noise explains. Runs within a set are compared by
<code>tracetax reproduce</code>. MAD: the median absolute deviation of the pooled rounds, in cycles.</li>
<li><b>Signed-rank test over blocks.</b> Wilcoxon's test of the blocks' log ratios (traced ÷ plain); its p-value holds
at the level of blocks, the independent units, not of rounds.</li>
<li><b>Nanoseconds.</b> Cycles divided by the host's TSC frequency recorded in the manifest (the kernel's calibration, or
tt-tscfreq's measurement); empty where the frequency is unknown. Cycles stay the primary unit, as in the paper.</li>
<li><b>Warnings</b>, in the spirit of pyperf's <code>check</code>; they flag a number, they do not remove it. Per cell:
${warningLegend(CELL_WARNINGS)}
Per host, from the facts gathered before measuring (a fact the host does not expose sets nothing off):
${warningLegend(HOST_WARNINGS)}</li>
</ul>`;
}
