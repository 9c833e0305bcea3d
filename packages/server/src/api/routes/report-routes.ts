import { z } from 'zod/v4';
import { buildEventReport } from '../../report/build-event-report.js';
import { densityModelCard } from '../../report/density-model-card.js';
import { printHtmlToPdf } from '../../report/print-pdf.js';
import { renderReportHtml } from '../../report/render-report-html.js';
import { REPORT_LANGS } from '../../report/report-strings.js';
import { defineRoute } from '../api-route.js';
import { idParams } from '../api-schemas.js';
import { HttpError } from '../http-error.js';

/** The report page may load nothing: it is one self-contained document. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

/**
 * PDFs are printed one at a time (each is a Chromium process of ~200 MB for a few seconds); a few
 * more requests wait their turn, the rest are told to come back.
 */
const MAX_WAITING_PDFS = 2;
let pdfQueue: Promise<unknown> = Promise.resolve();
let waitingPdfs = 0;

async function printQueued(html: string): Promise<Buffer> {
  if (waitingPdfs >= MAX_WAITING_PDFS) {
    throw new HttpError(429, 'RATE_LIMITED', 'other reports are being printed to PDF; try again in a few seconds');
  }
  waitingPdfs++;
  const turn = pdfQueue.then(() => printHtmlToPdf(html));
  pdfQueue = turn.catch(() => undefined);
  try {
    return await turn;
  } finally {
    waitingPdfs--;
  }
}

export const reportRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/events/:id/report',
    summary:
      'The post-event report of an event: peaks per zone with times, timelines, heatmaps, line totals, the alert timeline (who acknowledged and resolved what) and the data sources; a printable, self-contained HTML page or its PDF.',
    tag: 'events',
    access: 'viewer',
    params: idParams,
    query: z
      .object({
        lang: z
          .enum(REPORT_LANGS as ['en', 'fr', 'ar'])
          .default('en')
          .describe('Language: en, fr or ar (right-to-left).'),
        format: z
          .enum(['html', 'pdf'])
          .default('html')
          .describe('html (printable page) or pdf (printed by headless Chromium on the server).'),
      })
      .strict(),
    produces: {
      'text/html': 'The report page (UTF-8, inline CSS and SVG, no external resource).',
      'application/pdf': 'The report printed to PDF (A4), with format=pdf.',
    },
    handler: async ({ params, query, deps, reply }) => {
      const report = await buildEventReport(deps.store, params.id, {
        nowMs: deps.nowMs(),
        model: await densityModelCard(),
      });
      const html = renderReportHtml(report, query.lang);
      if (query.format === 'html') {
        void reply.header('content-security-policy', REPORT_CSP).type('text/html; charset=utf-8');
        return html;
      }
      let pdf: Buffer;
      try {
        pdf = await printQueued(html);
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(
          503,
          'OUTPUT_FAILED',
          `the PDF could not be printed (${(error as Error).message}); the HTML report (format=html) prints from any browser`,
        );
      }
      void reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="raqib-report-${report.event.id}-${query.lang}.pdf"`);
      return pdf;
    },
  }),
];
