import { FONT } from "./figures/style.ts";
import { html, Html } from "./html.ts";

// Inline and self-contained: the report is opened from disk or an archive and
// must not fetch anything (no fonts, no scripts, no stylesheets). Text uses
// the figures' font so captions and figures match.
const STYLE = `
body { font-family: ${FONT}; color: #1a1a1a; max-width: 72rem; margin: 0 auto; padding: 1rem 2rem 4rem; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; } h3 { margin-top: 1.8rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
thead th, table.facts th { background: #f2f2f2; }
table.numbers td:nth-child(4), table.numbers td:nth-child(5) { text-align: right; font-variant-numeric: tabular-nums; }
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
