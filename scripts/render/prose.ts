import type { Manifest } from "../results/manifest.ts";
import { html, type Html } from "./html.ts";

/** What the 2009 study was and what this run reproduces of it. */
export function studySection(manifest: Manifest): Html {
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
</section>`;
}

/** How the numbers were made, including the definition of wc and bc that the slides leave open. */
export function methodologySection(manifest: Manifest): Html {
  const { rounds, warmup, trials, timeoutSeconds } = manifest.settings;
  return html`<section id="methodology">
<h2>Methodology</h2>
<ul>
<li><b>Timer.</b> The CPU's time-stamp counter, read with fences that stop reordering (lfence; rdtsc … rdtscp; lfence
on x86-64). Cycles are reported raw. The cost of an empty timed region is measured in every trial and recorded (the
“timer overhead” of each host above); it is not subtracted.</li>
<li><b>Rounds and median.</b> Each trial first runs warm-up rounds that are not measured (${warmup}), then ${rounds} measured rounds
(the paper: 51); a cell's result is the median of its rounds, as in the paper, with the quartiles q1 and q3 as spread.</li>
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
against unpinned; same-cpu and cross-cpu against pinned), in cycles and in percent of the plain median.</li>
<li><b>ptrace (wc) and ptrace (bc).</b> The slides do not define them. Ours: the rounds of a cell (all trials pooled)
are split into two modes when clearly bimodal (2-means on log cycles, each mode at least 10% of rounds, the modes'
medians at least 1.5× apart); bc is the median of the lower mode, wc of the upper; a unimodal cell has wc = bc =
median.</li>
<li><b>Placement.</b> Tracer and benchmark run unpinned, pinned to the same CPU, or pinned to different CPUs, the
likeliest cause of the flapping. The paper's figures are drawn for unpinned cells.</li>
</ul>
</section>`;
}
