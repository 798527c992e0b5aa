import { FONT } from "./figures/style.ts";
import { html, Html } from "./html.ts";

// Inline and self-contained: the report is opened from disk or an archive and
// must not fetch anything (no fonts, no scripts, no stylesheets). Text uses
// the figures' font so captions and figures match.
const STYLE = `
body { font-family: ${FONT}; color: #1a1a1a; max-width: 80rem; margin: 0 auto; padding: 1rem 2rem 4rem; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; } h3 { margin-top: 1.8rem; } h4 { margin: 1rem 0 0.3rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
thead th, table.facts th { background: #f2f2f2; }
tbody tr:nth-child(even) { background: #fafafa; }
table.numbers { font-size: 0.82rem; display: block; overflow-x: auto; max-width: 100%; }
table.numbers td { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.stats td:nth-last-child(-n+2) { white-space: normal; min-width: 9rem; }
table.stats td:nth-child(n+5):nth-child(-n+11), table.overhead td:nth-child(n+5), table.compare td:nth-child(n+2),
table.comparison td:nth-child(4), table.comparison td:nth-child(5) { text-align: right; font-variant-numeric: tabular-nums; }
.warning { display: inline-block; font-size: 0.78rem; padding: 0 0.35rem; margin: 0.05rem 0; border-radius: 0.2rem;
  background: #fff4e5; border: 1px solid #e6a23c; color: #7a4a00; white-space: nowrap; }
ul.warnings { padding-left: 1.2rem; } .evidence { color: #555; } .clean { color: #2f6b2f; }
dl.legend { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.8rem; font-size: 0.9rem; }
dl.legend dd { margin: 0; }
figure { margin: 1.5rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; max-width: 50rem; }
figcaption .files { display: block; margin-top: 0.3rem; }
code { font-size: 0.95em; }
nav ul { columns: 2; }
`;

export function page(title: string, body: Html): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
${body}
</body>
</html>
`.markup;
}
