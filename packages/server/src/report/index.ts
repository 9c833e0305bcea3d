export * from './event-report.js';
export { buildEventReport, SHORT_EVENT_MS, type BuildEventReportOptions } from './build-event-report.js';
export { renderReportHtml } from './render-report-html.js';
export {
  REPORT_LANGS,
  REPORT_STRINGS,
  isReportLang,
  reportText,
  type ReportLang,
  type ReportStringKey,
} from './report-strings.js';
export {
  printHtmlToPdf,
  chromiumAvailable,
  chromiumPath,
  DEFAULT_CHROMIUM_PATH,
  type PrintPdfOptions,
} from './print-pdf.js';
export { densityModelCard } from './density-model-card.js';
