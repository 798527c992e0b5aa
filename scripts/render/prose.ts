import { BOOTSTRAP_LEVEL } from "../analyze/bootstrap.ts";
import { MEDIAN_CI_LEVEL, MIN_N_FOR_MEDIAN_CI } from "../analyze/medianCi.ts";
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
<li><b>Overhead.</b> Traced median minus the median of the plain cell under the same pinning of the benchmark (unpinned
against unpinned; same-cpu and cross-cpu against pinned), in cycles and in percent of the plain median; the ratio is
traced median ÷ plain median.</li>
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
<li><b>Interval of a median.</b> Distribution-free, from order statistics: with B ~ Binomial(n, ½), the sorted rounds'
k-th smallest and k-th largest values bound the median with probability 1 − 2·P(B ≤ k − 1); k is the largest rank that keeps
this at ${percent(MEDIAN_CI_LEVEL)} or more (n = 10: the 2nd and 9th values, 97.9%). Nothing is assumed about the shape of the
distribution. Below n = ${MIN_N_FOR_MEDIAN_CI} no pair of values reaches ${percent(MEDIAN_CI_LEVEL)}; the interval is then
left empty and the cell flagged.</li>
<li><b>Spread.</b> MAD, the median absolute deviation from the median, unscaled, in cycles. Between trials: the MAD of the
trials' medians (how much the benchmark processes disagree). Within trials: the median distance of a round from its own
trial's median (the noise inside one process). They are reported apart because they have different causes.</li>
<li><b>Interval of an overhead and of a ratio.</b> Percentile bootstrap, ${percent(BOOTSTRAP_LEVEL)}: traced and plain
rounds are resampled independently with replacement, ${bootstrapResamples} times, from a seeded generator (mulberry32, seed
${seed}; ${recorded}), so the same data give the same interval on every machine. Where the interval of the difference
includes zero, the report says “no measurable overhead”. For ptrace (wc) and (bc) of a bimodal cell the rounds of each
mode are resampled as they were assigned, so their intervals are conditional on the split.</li>
<li><b>Mann-Whitney U test.</b> Traced rounds against plain rounds, two-sided, normal approximation with the tie
correction of the variance and a continuity correction of ½ (as scipy's <code>mannwhitneyu</code> with
<code>method="asymptotic"</code>). A small p says the two cells' rounds do not come from one distribution; it says nothing
about how large the difference is, which the intervals do.</li>
<li><b>Nanoseconds.</b> Cycles divided by the host's TSC frequency recorded in the manifest (the kernel's calibration, or
tt-tscfreq's measurement); empty where the frequency is unknown. Cycles stay the primary unit, as in the paper.</li>
<li><b>Warnings</b>, in the spirit of pyperf's <code>check</code>; they flag a number, they do not remove it. Per cell:
${warningLegend(CELL_WARNINGS)}
Per host, from the facts gathered before measuring (a fact the host does not expose sets nothing off):
${warningLegend(HOST_WARNINGS)}</li>
</ul>`;
}
