import { WARNING_MEANINGS, type CellWarning, type HostWarning } from "../analyze/warnings.ts";
import { html, type Html } from "./html.ts";

const meaning = (code: string) => WARNING_MEANINGS[code as CellWarning | HostWarning] ?? "unknown warning";

/** A warning code as a badge; hovering shows what it means. */
export function warningBadge(code: string): Html {
  return html`<span class="warning" title="${meaning(code)}">${code}</span>`;
}

/** Warning codes with what each means. */
export function warningLegend(codes: readonly string[]): Html {
  return html`<dl class="legend">${codes.map((c) => html`<dt>${warningBadge(c)}</dt><dd>${meaning(c)}</dd>`)}</dl>`;
}
