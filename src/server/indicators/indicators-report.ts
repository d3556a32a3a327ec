import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { safeText } from '../registry/receipt-pdf.ts';
import type { Language } from '../../shared/limits.ts';
import type { IndicatorsView, MonthIndicators } from '../../shared/indicators.ts';

/**
 * The monthly report of the video channel (issue 8), for the monthly
 * review the seed asks for: one A4 page per month reviewed — the month's
 * figures beside the month before, the in-person baseline and the target,
 * each with whether it meets it — then the trend of the last twelve months
 * as a table. Unknown figures print as "—", never as 0. In the language of
 * whoever asks; a plain (unsigned) PDF, not evidence.
 */

type Labels = {
  title: string;
  organisation: string;
  scope: string;
  everything: string;
  generated: string;
  indicator: string;
  thisMonth: string;
  previous: string;
  baseline: string;
  target: string;
  meets: string;
  yes: string;
  no: string;
  trend: string;
  month: string;
  unknownNote: string;
  rows: Record<'requested' | 'held' | 'cancelled' | 'noShows' | 'noShowRate' | 'unknown' | 'handlingAvg' | 'handlingMedian' | 'missingDocs' | 'staffRating' | 'surveys' | 'liked' | 'easy' | 'useAgain', string>;
  trendCols: [string, string, string, string, string, string, string];
};

const LABELS: Record<Language, Labels> = {
  ca: {
    title: 'Informe mensual de la cita per videotrucada',
    organisation: 'Organització',
    scope: 'Abast',
    everything: 'Tota l’organització',
    generated: 'Generat',
    indicator: 'Indicador',
    thisMonth: 'Aquest mes',
    previous: 'Mes anterior',
    baseline: 'Presencial',
    target: 'Objectiu',
    meets: 'Ho compleix',
    yes: 'Sí',
    no: 'No',
    trend: 'Evolució dels darrers dotze mesos',
    month: 'Mes',
    unknownNote: '«—»: sense dades (mai no vol dir zero).',
    rows: {
      requested: 'Cites demanades',
      held: 'Cites ateses',
      cancelled: 'Anul·lades',
      noShows: 'No presentades',
      noShowRate: 'Taxa de no presentació',
      unknown: 'Resultat desconegut',
      handlingAvg: 'Temps d’atenció mitjà',
      handlingMedian: 'Temps d’atenció (mediana)',
      missingDocs: 'No concloents per falta de documents',
      staffRating: 'Valoració del personal (1–5)',
      surveys: 'Enquestes respostes',
      liked: 'Li ha agradat (0–10)',
      easy: 'Ha estat fàcil (0–10)',
      useAgain: 'Ho tornaria a fer servir',
    },
    trendCols: ['Mes', 'Demanades', 'Ateses', 'No present.', 'Temps mitjà', 'Agradat', 'Tornaria'],
  },
  es: {
    title: 'Informe mensual de la cita por videollamada',
    organisation: 'Organización',
    scope: 'Alcance',
    everything: 'Toda la organización',
    generated: 'Generado',
    indicator: 'Indicador',
    thisMonth: 'Este mes',
    previous: 'Mes anterior',
    baseline: 'Presencial',
    target: 'Objetivo',
    meets: 'Lo cumple',
    yes: 'Sí',
    no: 'No',
    trend: 'Evolución de los últimos doce meses',
    month: 'Mes',
    unknownNote: '«—»: sin datos (nunca significa cero).',
    rows: {
      requested: 'Citas pedidas',
      held: 'Citas atendidas',
      cancelled: 'Anuladas',
      noShows: 'No presentadas',
      noShowRate: 'Tasa de no presentación',
      unknown: 'Resultado desconocido',
      handlingAvg: 'Tiempo de atención medio',
      handlingMedian: 'Tiempo de atención (mediana)',
      missingDocs: 'No concluyentes por falta de documentos',
      staffRating: 'Valoración del personal (1–5)',
      surveys: 'Encuestas respondidas',
      liked: 'Le ha gustado (0–10)',
      easy: 'Ha sido fácil (0–10)',
      useAgain: 'Lo volvería a usar',
    },
    trendCols: ['Mes', 'Pedidas', 'Atendidas', 'No present.', 'Tiempo medio', 'Gustado', 'Volvería'],
  },
  en: {
    title: 'Monthly report of video-call appointments',
    organisation: 'Organisation',
    scope: 'Scope',
    everything: 'The whole organisation',
    generated: 'Generated',
    indicator: 'Indicator',
    thisMonth: 'This month',
    previous: 'Month before',
    baseline: 'In person',
    target: 'Target',
    meets: 'Meets it',
    yes: 'Yes',
    no: 'No',
    trend: 'The last twelve months',
    month: 'Month',
    unknownNote: '“—”: no data (it never means zero).',
    rows: {
      requested: 'Appointments requested',
      held: 'Appointments held',
      cancelled: 'Cancelled',
      noShows: 'No-shows',
      noShowRate: 'No-show rate',
      unknown: 'Outcome unknown',
      handlingAvg: 'Average handling time',
      handlingMedian: 'Handling time (median)',
      missingDocs: 'Not conclusive for missing documents',
      staffRating: 'Staff rating (1–5)',
      surveys: 'Surveys answered',
      liked: 'Liked it (0–10)',
      easy: 'It was easy (0–10)',
      useAgain: 'Would use it again',
    },
    trendCols: ['Month', 'Requested', 'Held', 'No-shows', 'Avg time', 'Liked', 'Again'],
  },
};

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 45;
const GREY = rgb(0.35, 0.35, 0.35);

/** What the report is about besides the figures. */
export interface ReportContext {
  language: Language;
  organisation: string;
  /** The filters in words; empty for the whole organisation. */
  scope: string[];
  generatedAt: string;
  timeZone: string;
}

function formatters(lang: Language) {
  const locale = lang === 'en' ? 'en-GB' : lang;
  const one = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const dash = '—';
  return {
    count: (n: number | null) => (n === null ? dash : String(n)),
    share: (n: number | null) => (n === null ? dash : pct.format(n)),
    score: (n: number | null) => (n === null ? dash : one.format(n)),
    minutes: (s: number | null) => {
      if (s === null) return dash;
      const total = Math.round(s);
      return `${String(Math.floor(total / 60))}:${String(total % 60).padStart(2, '0')} min`;
    },
    month: (ym: string) => new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${ym}-15T00:00:00Z`)),
    monthShort: (ym: string) => new Intl.DateTimeFormat(locale, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(new Date(`${ym}-15T00:00:00Z`)),
    dateTime: (iso: string, timeZone: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone }).format(new Date(iso)),
  };
}

type Row = { label: string; now: string; before: string; baseline: string; target: string; meets: boolean | null };

/** The rows of the month table: the figure, the month before, the in-person baseline and the target. */
export function reportRows(view: IndicatorsView, lang: Language): Row[] {
  const f = formatters(lang);
  const l = LABELS[lang];
  const m = view.months.at(-1);
  const p = view.months.at(-2) ?? null;
  if (!m) return [];
  const base = view.baselines.find((b) => b.month === m.month)?.values ?? {};
  const b = (k: string) => base[k] ?? null;
  const lowerIsBetter = (now: number | null, ref: number | null) => (now === null || ref === null ? null : now <= ref);
  const atLeast = (now: number | null, target: number) => (now === null ? null : now >= target);
  const row = (label: string, get: (x: MonthIndicators) => string, baseline = '', target = '', meets: boolean | null = null): Row => ({ label, now: get(m), before: p ? get(p) : '—', baseline, target, meets });
  return [
    row(l.rows.requested, (x) => f.count(x.requested), f.count(b('requested'))),
    row(l.rows.held, (x) => f.count(x.held)),
    row(l.rows.cancelled, (x) => f.count(x.cancelled)),
    row(l.rows.noShows, (x) => f.count(x.noShows)),
    row(l.rows.noShowRate, (x) => f.share(x.noShowRate), f.share(b('no_show_rate')), '', lowerIsBetter(m.noShowRate, b('no_show_rate'))),
    row(l.rows.unknown, (x) => f.count(x.unknown)),
    row(l.rows.handlingAvg, (x) => f.minutes(x.handling.avgSeconds), f.minutes(b('handling_avg_seconds')), '', lowerIsBetter(m.handling.avgSeconds, b('handling_avg_seconds'))),
    row(l.rows.handlingMedian, (x) => f.minutes(x.handling.medianSeconds), f.minutes(b('handling_median_seconds')), '', lowerIsBetter(m.handling.medianSeconds, b('handling_median_seconds'))),
    row(l.rows.missingDocs, (x) => f.share(x.wrapups.missingDocumentsShare), f.share(b('missing_documents_share')), '', lowerIsBetter(m.wrapups.missingDocumentsShare, b('missing_documents_share'))),
    row(l.rows.staffRating, (x) => f.score(x.wrapups.staffRatingAvg)),
    row(l.rows.surveys, (x) => f.count(x.survey.count)),
    row(l.rows.liked, (x) => f.score(x.survey.likedAvg), '', `>= ${f.score(view.targets.liked)}`, atLeast(m.survey.likedAvg, view.targets.liked)),
    row(l.rows.easy, (x) => f.score(x.survey.easyAvg), '', `>= ${f.score(view.targets.easy)}`, atLeast(m.survey.easyAvg, view.targets.easy)),
    row(l.rows.useAgain, (x) => f.share(x.survey.useAgainShare), '', `> ${f.share(view.targets.useAgain)}`, m.survey.useAgainShare === null ? null : m.survey.useAgainShare > view.targets.useAgain),
  ];
}

class Cursor {
  page: PDFPage;
  y: number;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = doc.addPage([A4.width, A4.height]);
    this.y = A4.height - MARGIN;
  }
  need(height: number): void {
    if (this.y - height >= MARGIN) return;
    this.page = this.doc.addPage([A4.width, A4.height]);
    this.y = A4.height - MARGIN;
  }
  text(text: string, opts: { size?: number; bold?: boolean; colour?: ReturnType<typeof rgb> } = {}): void {
    const size = opts.size ?? 10;
    this.need(size * 1.5);
    this.page.drawText(safeText(opts.bold ? this.bold : this.font, text), { x: MARGIN, y: this.y - size, size, font: opts.bold ? this.bold : this.font, color: opts.colour ?? rgb(0, 0, 0) });
    this.y -= size * 1.5;
  }
  /** One table row: cells at the given x offsets; the first row of a table in bold with a rule under it. */
  row(cells: string[], xs: number[], opts: { header?: boolean; size?: number } = {}): void {
    const size = opts.size ?? 9;
    this.need(size * 1.7);
    const font = opts.header ? this.bold : this.font;
    cells.forEach((cell, i) => this.page.drawText(safeText(font, cell), { x: MARGIN + (xs[i] ?? 0), y: this.y - size, size, font }));
    this.y -= size * 1.7;
    if (opts.header) this.page.drawLine({ start: { x: MARGIN, y: this.y + 3 }, end: { x: A4.width - MARGIN, y: this.y + 3 }, thickness: 0.7, color: GREY });
  }
  gap(h = 8): void {
    this.y -= h;
  }
}

/** Renders the report of the last month of `view` (whose range is the twelve months up to it). */
export async function renderIndicatorsReport(view: IndicatorsView, context: ReportContext): Promise<Uint8Array> {
  const lang = context.language;
  const l = LABELS[lang];
  const f = formatters(lang);
  const month = view.months.at(-1)?.month ?? view.to;
  const doc = await PDFDocument.create();
  doc.setTitle(`${l.title} — ${f.month(month)}`);
  doc.setAuthor(context.organisation);
  doc.setLanguage(lang);
  doc.setCreator('Finestreta');
  doc.setCreationDate(new Date(context.generatedAt));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const c = new Cursor(doc, font, bold);
  c.text(l.title, { size: 16, bold: true });
  c.text(f.month(month), { size: 13, bold: true });
  c.gap(4);
  c.text(`${l.organisation}: ${context.organisation}`);
  c.text(`${l.scope}: ${context.scope.length ? context.scope.join(' · ') : l.everything}`);
  c.text(`${l.generated}: ${f.dateTime(context.generatedAt, context.timeZone)}`, { colour: GREY });
  c.gap();
  const xs = [0, 205, 270, 340, 405, 465];
  c.row([l.indicator, l.thisMonth, l.previous, l.baseline, l.target, l.meets], xs, { header: true });
  for (const r of reportRows(view, lang)) c.row([r.label, r.now, r.before, r.baseline, r.target, r.meets === null ? '' : r.meets ? l.yes : l.no], xs);
  c.gap(14);
  c.text(l.trend, { size: 12, bold: true });
  const tx = [0, 80, 160, 230, 305, 385, 450];
  c.row(l.trendCols, tx, { header: true });
  for (const m of view.months) {
    c.row([f.monthShort(m.month), f.count(m.requested), f.count(m.held), f.share(m.noShowRate), f.minutes(m.handling.avgSeconds), f.score(m.survey.likedAvg), f.share(m.survey.useAgainShare)], tx);
  }
  c.gap();
  c.text(l.unknownNote, { size: 8, colour: GREY });
  return doc.save();
}
