// Every string that comes from data (manifest, CSVs, host names) reaches the
// page through `html` below, which escapes it; only markup built here or SVG
// rendered by vega is passed through as `Html`.

/** Markup that is already safe to place in the page. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function interpolate(value: unknown): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(interpolate).join("");
  if (value === null || value === undefined) return "";
  return escapeHtml(String(value));
}

/** Template tag: literal parts are markup, interpolated values are escaped unless they are `Html` (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return new Html(strings.reduce((out, s, i) => out + interpolate(values[i - 1]) + s));
}

/** A table with a header row; cells are text (escaped) or `Html`. */
export function table(columns: string[], rows: unknown[][], className = ""): Html {
  return html`<table class="${className}">
<thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
<tbody>
${rows.map((row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>\n`)}</tbody>
</table>`;
}

/** A two-column table of facts: name, value. */
export function factsTable(facts: [string, unknown][]): Html {
  return html`<table class="facts"><tbody>
${facts.map(([name, value]) => html`<tr><th scope="row">${name}</th><td>${value}</td></tr>\n`)}</tbody></table>`;
}

/** A name made from data (host names) that is safe as an element id, in href="#…" and as a file name. */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_");
}
