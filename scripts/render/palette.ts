import { mechanismOf, parseTracer, type Fd, type Mechanism, type MECHANISMS, type Tracer } from "../model/vocabulary.ts";
import type { Series } from "./series.ts";

// One colour per mechanism across every figure, so a reader can match a bar
// in one figure with a bar in another: plain calls grey, ptrace one blue hue
// (dark = worst case, light = best case), systrace orange.

/** Plain (untraced) calls are drawn in greys; the descriptor picks the shade. */
export const FD_COLOURS: Record<Fd, string> = {
  valid: "#525252",
  invalid: "#a3a3a3",
};

export const SERIES_COLOURS: Record<Series, string> = {
  "ptrace-wc": "#08519c",
  "ptrace-bc": "#6baed6",
  systrace: "#e6550d",
};

/** Every mechanism in its own hue; ptrace and systrace keep the colours of the paper's figures. */
export const MECHANISM_COLOURS: Record<Mechanism, string> = {
  none: FD_COLOURS.valid,
  ptrace: SERIES_COLOURS["ptrace-wc"],
  "ptrace-seccomp": "#54278f",
  "seccomp-allow": "#238b45",
  "seccomp-errno": "#01665e",
  "seccomp-notify": "#a50f15",
  sud: "#8c510a",
  preload: "#ae017e",
  strace: "#8a8a00",
  "strace-seccomp": "#0f8fa3",
  systrace: SERIES_COLOURS.systrace,
  "systrace-permit": "#fdae6b",
  "ebpf-count": "#1d91c0",
  "ebpf-ringbuf": "#253494",
  bpftrace: "#41ab5d",
  "perf-trace": "#cc4c02",
  ftrace: "#7a0177",
  audit: "#636363",
};

type HandlerMechanism = { [M in Mechanism]: (typeof MECHANISMS)[M]["handlers"] extends true ? M : never }[Mechanism];

/** The inspect handler's cells: a lighter shade of their mechanism's hue (ptrace's avoids the light blue of ptrace (bc)). */
const INSPECT_COLOURS: Record<HandlerMechanism, string> = {
  ptrace: "#9ecae1",
  "ptrace-seccomp": "#bcbddc",
  "seccomp-notify": "#fc9272",
  sud: "#dfc27d",
  preload: "#f768a1",
  "ebpf-ringbuf": "#7fcdbb",
};

/** The colour of a tracer's bars, lines and table swatches in the mechanism figures. */
export function tracerColour(tracer: Tracer): string {
  const parts = parseTracer(tracer);
  if (typeof parts !== "string" && parts.handler === "inspect") return INSPECT_COLOURS[parts.mechanism as HandlerMechanism];
  return MECHANISM_COLOURS[mechanismOf(tracer)];
}

/** Trials are independent processes, told apart only within one figure; none of these is grey, blue or orange. */
export const TRIAL_COLOURS = ["#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#e6ab02", "#01665e", "#762a83"];

/** Error bars and text labels. */
export const INK = "#1a1a1a";
