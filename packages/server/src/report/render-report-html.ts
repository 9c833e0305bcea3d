import { RESOLUTION_MS } from '../storage/store-records.js';
import type { AlertReport, EventReport, PeakAt, StreamReport, ZoneReport } from './event-report.js';
import { escapeXml, heatmapSvg, SEVERITY_COLORS, timelineSvg, type HeatmapRow } from './report-charts.js';
import { REPORT_STRINGS, reportText, type ReportLang, type ReportStringKey } from './report-strings.js';
import { REPORT_CSS, footerCss } from './report-style.js';

/** Most time slices (columns) of a heatmap. */
const HEATMAP_COLUMNS = 96;
/** Top of the heatmap's colour scale in persons per m² (Still: 5 and more is dangerous in most layouts). */
const HEATMAP_DENSITY_MAX_PER_M2 = 5;

/**
 * The post-event report as one self-contained, printable HTML page: inline CSS and SVG, no script,
 * and a Content-Security-Policy that forbids every external request. Arabic pages are right-to-left.
 * Times are UTC (ISO 8601); digits are Latin in every language so that figures read the same.
 */
export function renderReportHtml(report: EventReport, lang: ReportLang): string {
  const r = new Renderer(report, lang);
  return r.page();
}

class Renderer {
  private readonly number0: Intl.NumberFormat;
  private readonly number1: Intl.NumberFormat;
  private readonly number2: Intl.NumberFormat;

  constructor(
    private readonly report: EventReport,
    private readonly lang: ReportLang,
  ) {
    const locale = `${lang}-u-nu-latn`;
    this.number0 = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.number1 = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    this.number2 = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  }

  /** HTML of a key: its text escaped, placeholders filled with `values`, which are HTML already. */
  private t(key: ReportStringKey, values: Record<string, string | number> = {}): string {
    return REPORT_STRINGS[this.lang][key]
      .split(/(\{\w+\})/)
      .map((part) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        return name !== undefined && values[name] !== undefined ? String(values[name]) : escapeXml(part);
      })
      .join('');
  }

  page(): string {
    const { report } = this;
    const title = `${reportText(this.lang, 'title')} · ${report.event.name}`;
    const sections = [
      this.summary(),
      ...(report.range ? [this.timelines(), this.heatmaps()] : []),
      this.alerts(),
      this.sources(),
    ];
    return `<!doctype html>
<html lang="${this.lang}" dir="${this.lang === 'ar' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${REPORT_CSS}${footerCss(reportText(this.lang, 'footer', { event: report.event.id, page: '\u0000' }))}</style>
</head>
<body>
${this.header()}
${sections.join('\n')}
</body>
</html>
`;
  }

  private header(): string {
    const { report } = this;
    const planned =
      report.event.startsAtMs === null && report.event.endsAtMs === null
        ? this.t('notSet')
        : `${this.time(report.event.startsAtMs)} – ${this.time(report.event.endsAtMs)}`;
    const covered = report.range
      ? this.t('covered', {
          from: this.dateTime(report.range.fromMs),
          to: this.dateTime(report.range.toMs),
          duration: `<bdi dir="ltr">${this.duration(report.range.toMs - report.range.fromMs)}</bdi>`,
        })
      : this.t('noReadings');
    const sectionsList: [string, ReportStringKey][] = [
      ['summary', 'summary'],
      ...(report.range
        ? ([
            ['timelines', 'timelines'],
            ['heatmaps', 'heatmaps'],
          ] as [string, ReportStringKey][])
        : []),
      ['alerts', 'alerts'],
      ['sources', 'dataSources'],
    ];
    return `<header>
<h1>${this.t('title')}</h1>
<p class="event-name">${escapeXml(report.event.name)} <bdi class="id">(${escapeXml(report.event.id)})</bdi></p>
<dl class="facts">
<dt>${this.t('plannedTimes')}</dt><dd>${planned}</dd>
<dt>${this.t('timeRange')}</dt><dd class="${report.range ? '' : 'empty'}">${covered}</dd>
<dt>${this.t('stream')}</dt><dd>${report.streams.length === 0 ? this.t('noStreams') : report.streams.map((s) => `<bdi>${escapeXml(s.name)}</bdi>`).join(', ')}</dd>
</dl>
<p class="generated">${this.t('generatedAt', { time: this.dateTime(report.generatedAtMs) })}</p>
<nav><strong>${this.t('contents')}</strong><ol>${sectionsList.map(([id, key]) => `<li><a href="#${id}">${this.t(key)}</a></li>`).join('')}</ol></nav>
</header>`;
  }

  private summary(): string {
    const rows: string[] = [];
    for (const stream of this.report.streams) {
      for (const zone of stream.zones) {
        const lines = zone.lineTotals
          ? `${this.t('lineIn')} ${this.number0.format(zone.lineTotals.in)} · ${this.t('lineOut')} ${this.number0.format(zone.lineTotals.out)}`
          : this.t('noValue');
        rows.push(`<tr>
<td><bdi>${escapeXml(stream.name)}</bdi></td>
<td><bdi>${escapeXml(zone.name)}</bdi></td>
<td>${zone.kind ? `${this.t(`kind_${zone.kind}`)} · ` : ''}${this.t(zone.shape === 'line' ? 'shape_line' : 'shape_area')}</td>
<td class="num">${this.peak(zone.peakCount, this.number0)}</td>
<td class="num">${this.peak(zone.peakDensityPerM2, this.number2)}</td>
<td class="num">${this.peak(zone.peakLocalDensityPerM2, this.number2)}</td>
<td class="num">${lines}</td>
</tr>`);
      }
    }
    const table =
      rows.length === 0
        ? `<p class="empty">${this.t(this.report.streams.length === 0 ? 'noStreams' : 'noReadings')}</p>`
        : `<table class="summary">
<thead><tr><th>${this.t('stream')}</th><th>${this.t('zone')}</th><th>${this.t('kind')}</th><th>${this.t('peakCount')}</th><th>${this.t('peakDensity')}</th><th>${this.t('peakLocalDensity')}</th><th>${this.t('lineTotals')}</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table>`;
    return `<section id="summary"><h2>${this.t('summary')}</h2><p>${this.t('summaryIntro')}</p>${table}</section>`;
  }

  private peak(peak: PeakAt | null, format: Intl.NumberFormat): string {
    if (!peak) return this.t('noValue');
    const precision = this.t(peak.resolution === '1s' ? 'perSecondPeak' : 'perMinutePeak');
    return `<strong>${format.format(peak.value)}</strong><br><span class="at">${this.t('atTime', { time: `<bdi dir="ltr">${this.clock(peak.atMs, peak.resolution === '1s')}</bdi>` })} ${precision}</span>`;
  }

  private timelines(): string {
    const range = this.report.range!;
    const resolution = this.report.timelineResolution;
    const parts: string[] = [];
    for (const stream of this.report.streams) {
      const zones = stream.zones.filter((z) => z.timeline.length > 0);
      if (zones.length === 0) continue;
      const common = {
        fromMs: range.fromMs,
        toMs: range.toMs,
        breakAfterMs: this.report.gapThresholdMs,
        formatTick: (ms: number) => this.clock(ms, range.toMs - range.fromMs < 5 * 60_000),
      };
      const marks = this.report.alerts
        .filter((a) => a.streamId === stream.id)
        .map((a) => ({
          atMs: a.raisedAtMs,
          color: SEVERITY_COLORS[a.severity] ?? '#6b7280',
          title: `${a.rule} ${reportText(this.lang, `severity_${a.severity}`)} ${a.zoneId}`,
        }));
      const countChart = timelineSvg(
        zones.map((z) => ({ label: z.name, points: z.timeline.map((p) => ({ atMs: p.atMs, value: p.countMean })) })),
        { ...common, yLabel: reportText(this.lang, 'count'), marks, formatValue: (v) => this.number0.format(v) },
      );
      const areas = zones.filter((z) => z.shape === 'area');
      const densityChart =
        stream.gsd === 'none'
          ? `<p class="note">${this.t('noDensity')}</p>`
          : timelineSvg(
              areas.map((z) => ({
                label: z.name,
                points: z.timeline.map((p) => ({ atMs: p.atMs, value: p.densityPerM2Mean })),
              })),
              { ...common, yLabel: reportText(this.lang, 'densityPerM2'), formatValue: (v) => this.number1.format(v) },
            );
      parts.push(
        `<article class="stream"><h3><bdi>${escapeXml(stream.name)}</bdi></h3><h4>${this.t('count')}</h4>${countChart}<h4>${this.t('densityPerM2')}</h4>${densityChart}</article>`,
      );
    }
    const intro = this.t('timelinesIntro', {
      resolution: this.t(resolution === '1s' ? 'resolution1s' : 'resolution1m'),
    });
    return `<section id="timelines" class="page"><h2>${this.t('timelines')}</h2><p>${intro}</p>${parts.join('')}</section>`;
  }

  private heatmaps(): string {
    const range = this.report.range!;
    const sizeMs = RESOLUTION_MS[this.report.timelineResolution];
    const slices = Math.max(1, Math.min(HEATMAP_COLUMNS, Math.ceil((range.toMs - range.fromMs) / sizeMs)));
    const sliceMs = (range.toMs - range.fromMs) / slices;
    const parts: string[] = [];
    for (const stream of this.report.streams) {
      const areas = stream.zones.filter((z) => z.shape === 'area' && z.timeline.length > 0);
      if (areas.length === 0) continue;
      const byDensity = stream.gsd !== 'none';
      const rows: HeatmapRow[] = areas.map((zone) => ({
        label: zone.name,
        cells: sliceMaxima(zone, range.fromMs, sliceMs, slices, byDensity),
        scaleMax: byDensity ? HEATMAP_DENSITY_MAX_PER_M2 : (zone.peakCount?.value ?? 0),
      }));
      const legend: [string, string, string] = byDensity
        ? [
            '0',
            this.number1.format(HEATMAP_DENSITY_MAX_PER_M2 / 2),
            `≥ ${this.number0.format(HEATMAP_DENSITY_MAX_PER_M2)} ${reportText(this.lang, 'densityPerM2')}`,
          ]
        : ['0', '50 %', `100 % (${reportText(this.lang, 'peakCount')})`];
      parts.push(
        `<article class="stream"><h3><bdi>${escapeXml(stream.name)}</bdi></h3>${heatmapSvg(rows, {
          fromMs: range.fromMs,
          toMs: range.toMs,
          formatTick: (ms) => this.clock(ms, range.toMs - range.fromMs < 5 * 60_000),
          legend,
        })}<p class="note">${this.t(byDensity ? 'heatmapDensity' : 'heatmapCount')}</p></article>`,
      );
    }
    return `<section id="heatmaps" class="page"><h2>${this.t('heatmaps')}</h2>${parts.join('')}</section>`;
  }

  private alerts(): string {
    const { alerts } = this.report;
    if (alerts.length === 0) {
      return `<section id="alerts" class="page"><h2>${this.t('alerts')}</h2><p class="empty">${this.t('noAlerts')}</p></section>`;
    }
    const names = new Map(this.report.streams.map((s) => [s.id, s]));
    const bodies = alerts.map((alert) => this.alertBody(alert, names.get(alert.streamId)));
    return `<section id="alerts" class="page"><h2>${this.t('alerts')}</h2><p>${this.t('alertsIntro')}</p>
<table class="alerts">
<thead><tr><th>${this.t('time')}</th><th>${this.t('step')}</th><th>${this.t('by')}</th><th>${this.t('note')}</th></tr></thead>
${bodies.join('\n')}
</table></section>`;
  }

  private alertBody(alert: AlertReport, stream: StreamReport | undefined): string {
    const zoneName = stream?.zones.find((z) => z.id === alert.zoneId)?.name ?? alert.zoneId;
    const color = SEVERITY_COLORS[alert.severity] ?? '#6b7280';
    const head = `<tr class="alert-head"><th colspan="4" scope="rowgroup">
<span class="badge" style="background:${color}">${this.t(`severity_${alert.severity}`)}</span>
<bdi>${escapeXml(alert.rule)}</bdi> · <bdi>${escapeXml(stream?.name ?? alert.streamId)}</bdi> / <bdi>${escapeXml(zoneName)}</bdi>
· ${this.t('value')}: ${this.number2.format(alert.value)} / ${this.number2.format(alert.threshold)}
· ${this.t('incident')} <bdi class="id">${escapeXml(alert.incidentId)}</bdi>
· ${this.t('status')}: ${this.t(`status_${alert.status}`)}
</th></tr>`;
    const steps = alert.history.map((entry) => {
      const note = [
        entry.assignee ? this.t('assignedTo', { name: `<bdi>${escapeXml(entry.assignee)}</bdi>` }) : '',
        entry.note ? `<q>${escapeXml(entry.note)}</q>` : '',
      ]
        .filter(Boolean)
        .join(' ');
      return `<tr class="step step-${entry.kind}"><td class="time">${this.dateTime(entry.atMs)}</td><td>${this.t(`history_${entry.kind}`)}</td><td><bdi>${escapeXml(entry.actor)}</bdi></td><td>${note}</td></tr>`;
    });
    return `<tbody class="alert" id="alert-${escapeXml(alert.id)}">${head}${steps.join('')}</tbody>`;
  }

  private sources(): string {
    const { report } = this;
    const streams = report.streams.map((stream) => {
      const model =
        stream.sourceKind === 'demo'
          ? this.t('modelDemo')
          : report.model
            ? `${escapeXml(report.model.name)} ${escapeXml(report.model.version)}`
            : this.t('modelUnknown');
      const range =
        stream.firstReadingMs === null
          ? this.t('noReadings')
          : `${this.dateTime(stream.firstReadingMs)} – ${this.dateTime(stream.lastReadingMs! + RESOLUTION_MS[report.timelineResolution])}`;
      const interruptions =
        stream.interruptions.length === 0
          ? this.t('none')
          : `<ul>${stream.interruptions
              .map(
                (p) =>
                  `<li>${this.t(`state_${p.state}`)}: ${this.dateTime(p.fromMs)} – ${p.toMs === null ? this.t('untilEnd') : `${this.dateTime(p.toMs)} (${this.duration(p.toMs - p.fromMs)})`}${p.reason ? ` <q>${escapeXml(p.reason)}</q>` : ''}</li>`,
              )
              .join('')}</ul>`;
      const gaps =
        stream.readingGaps.length === 0
          ? this.t('none')
          : `<ul>${stream.readingGaps
              .map(
                (g) =>
                  `<li>${this.dateTime(g.fromMs)} – ${this.dateTime(g.toMs)} (${this.duration(g.toMs - g.fromMs)})</li>`,
              )
              .join('')}</ul>`;
      const states =
        stream.states.length === 0
          ? this.t('none')
          : `<ol class="states">${stream.states
              .map((s) => `<li>${this.dateTime(s.atMs)} ${this.t(`state_${s.state}`)}</li>`)
              .join('')}</ol>`;
      return `<article class="stream"><h3><bdi>${escapeXml(stream.name)}</bdi> <bdi class="id">(${escapeXml(stream.id)})</bdi></h3>
<dl class="facts">
<dt>${this.t('source')}</dt><dd>${this.t(`sourceKind_${stream.sourceKind}`)}${stream.sourceLocation ? ` <bdi class="id">${escapeXml(stream.sourceLocation)}</bdi>` : ''}</dd>
<dt>${this.t('model')}</dt><dd>${model}</dd>
<dt>${this.t('gsd')}</dt><dd>${this.t(stream.gsd === 'all' ? 'gsdAll' : stream.gsd === 'part' ? 'gsdPart' : 'gsdNone')}</dd>
<dt>${this.t('timeRange')}</dt><dd>${range}</dd>
<dt>${this.t('interruptions')}</dt><dd>${interruptions}</dd>
<dt>${this.t('gaps', { threshold: this.duration(report.gapThresholdMs) })}</dt><dd>${gaps}</dd>
<dt>${this.t('stateChanges')}</dt><dd>${states}</dd>
</dl></article>`;
    });
    const resolution = this.t(report.timelineResolution === '1s' ? 'resolution1s' : 'resolution1m');
    const limits =
      report.limits.length === 0
        ? ''
        : `<h3>${this.t('limits')}</h3><ul>${report.limits.map((l) => `<li>${escapeXml(l)}</li>`).join('')}</ul>`;
    return `<section id="sources" class="page"><h2>${this.t('dataSources')}</h2><p>${this.t('dataSourcesIntro')} ${this.t('storedResolution', { resolution })}</p>${streams.join('')}${limits}</section>`;
  }

  /** `2026-06-01 18:04:05 UTC` as HTML, isolated left-to-right so that Arabic text does not reorder it. */
  private dateTime(ms: number): string {
    return `<bdi dir="ltr">${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC</bdi>`;
  }

  private time(ms: number | null): string {
    return ms === null ? this.t('notSet') : this.dateTime(ms);
  }

  /** `18:04:05` or `18:04` (plain text, for chart ticks). */
  private clock(ms: number, seconds: boolean): string {
    return new Date(ms).toISOString().slice(11, seconds ? 19 : 16);
  }

  /** `1 h 02 min`, `12 min 5 s`, `40 s` (SI unit symbols, the same in every language). */
  private duration(ms: number): string {
    const totalS = Math.round(ms / 1000);
    const h = Math.floor(totalS / 3600);
    const min = Math.floor((totalS % 3600) / 60);
    const s = totalS % 60;
    if (h > 0) return `${h} h ${String(min).padStart(2, '0')} min`;
    if (min > 0) return s > 0 ? `${min} min ${s} s` : `${min} min`;
    return `${s} s`;
  }
}

/** Highest value of a zone in each time slice (mean density, or max count). */
function sliceMaxima(
  zone: ZoneReport,
  fromMs: number,
  sliceMs: number,
  slices: number,
  byDensity: boolean,
): (number | null)[] {
  const cells: (number | null)[] = new Array<number | null>(slices).fill(null);
  for (const point of zone.timeline) {
    const value = byDensity ? point.densityPerM2Mean : point.countMax;
    if (value === null) continue;
    const index = Math.min(slices - 1, Math.max(0, Math.floor((point.atMs - fromMs) / sliceMs)));
    cells[index] = Math.max(cells[index] ?? -Infinity, value);
  }
  return cells;
}
