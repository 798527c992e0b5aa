import type { Fd } from "../spec/vocabulary.ts";
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

/** Trials are independent processes, told apart only within one figure; none of these is grey, blue or orange. */
export const TRIAL_COLOURS = ["#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#e6ab02", "#01665e", "#762a83"];

/** Error bars and text labels. */
export const INK = "#1a1a1a";
