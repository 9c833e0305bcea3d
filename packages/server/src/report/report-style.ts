/**
 * The report's stylesheet: screen and print (A4, each main section on a new page, tables and
 * charts not split across pages). Logical properties (`inline-start`) so that Arabic mirrors.
 */
export const REPORT_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Naskh Arabic", Arial, sans-serif; font-size: 10.5pt; color: #111827;
  background: #fff; margin: 0 auto; padding: 16px 24px; max-width: 1000px; line-height: 1.4; }
h1 { font-size: 20pt; margin: 0 0 4px; }
h2 { font-size: 15pt; border-block-end: 2px solid #1f2937; padding-block-end: 2px; margin-block: 18px 8px; }
h3 { font-size: 12pt; margin-block: 14px 4px; }
h4 { font-size: 10.5pt; margin-block: 8px 2px; color: #374151; }
p { margin-block: 4px; }
.event-name { font-size: 13pt; margin: 0; }
.id { color: #4b5563; font-family: "DejaVu Sans Mono", monospace; font-size: 0.92em; }
.generated { color: #4b5563; }
.empty, .note { color: #374151; font-style: italic; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
dl.facts ul, dl.facts ol { margin: 0; padding-inline-start: 18px; }
ol.states { columns: 2; }
nav ol { margin: 2px 0; padding-inline-start: 20px; }
nav a { color: #1f2937; }
table { border-collapse: collapse; width: 100%; margin-block: 6px; }
th, td { border: 1px solid #d1d5db; padding: 3px 6px; text-align: start; vertical-align: top; }
thead th { background: #f3f4f6; }
td.num { text-align: end; white-space: nowrap; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
.at { color: #4b5563; font-size: 0.85em; }
tr.alert-head th { background: #f9fafb; font-weight: normal; }
.badge { color: #fff; border-radius: 3px; padding: 0 5px; font-weight: bold; }
q { font-style: italic; }
figure.chart { margin: 4px 0 10px; }
figure.chart > svg { display: block; max-width: 100%; height: auto; }
svg .tick { font-size: 10px; fill: #374151; }
svg .axis { font-size: 11px; fill: #111827; }
.legend { font-size: 9pt; }
.legend-item { display: inline-block; white-space: nowrap; margin-inline-end: 10px; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { padding: 0; max-width: none; }
  nav { display: none; }
  section.page { break-before: page; }
  article.stream, figure.chart, tbody.alert, tr, dl.facts { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

/** A CSS string literal: quotes, backslashes and line breaks escaped. */
function cssString(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replace(/[\n\r]/g, ' ')}"`;
}

/**
 * The printed footer (page margin box) with the page number where `template` has a NUL character.
 * Chromium prints margin boxes; other browsers leave them out.
 */
export function footerCss(template: string): string {
  const [before = '', after = ''] = template.split('\u0000');
  // `<` is escaped too: the CSS sits inside a <style> element.
  const safe = (text: string) => cssString(text).replace(/</g, '\\3c ');
  return `@page { @bottom-center { content: ${safe(before)} counter(page) " / " counter(pages) ${safe(after)}; font-size: 8pt; color: #4b5563; } }`;
}
