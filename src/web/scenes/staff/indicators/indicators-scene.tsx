/**
 * The supervisors' dashboard (`/staff/indicators`, issue 8): the video
 * channel's indicators by month — appointments, no-shows against the
 * in-person baseline, handling time, the citizen survey against its targets
 * — as charts read at a glance and, above all, as data tables; a CSV of the
 * same table; the anonymous survey comments for supervisors and
 * administrators; the in-person baselines form for administrators. Every
 * member of staff may open it: the API narrows an agent to their own
 * figures. The filters live in the address, so a view can be shared.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import type { IndicatorsView, MonthIndicators } from '../../../../shared/indicators.ts';
import { fetchIndicators, indicatorsCsvHref, indicatorsReportHref } from '../../../api/indicators-api.ts';
import { Loading } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { localDateOf } from '../../../i18n/format.ts';
import { canSeeAllAgents, useStaffPageTitle, useStaffSession } from '../staff-session.ts';
import { BaselinesForm } from './baselines-form.tsx';
import { formatMinutes, formatMonthLong, formatNumber, formatPercent } from './indicators-format.ts';
import { addMonths, apiQuery, indicatorsHref, monthRange, readIndicatorsQuery, type IndicatorsFilters } from './indicators-query.ts';
import { IndicatorsTable, type IndicatorColumn } from './indicators-table.tsx';
import { SurveyComments } from './survey-comments.tsx';
import { ByProcedure } from './by-procedure.tsx';
import { SERIES_STYLES, TrendChart } from './trend-chart.tsx';

/** Months offered in the range selects: the last three years up to the current month. */
const MONTHS_OFFERED = 36;

type Baselines = ReadonlyMap<string, Readonly<Record<string, number | null>>>;

/** In-person figures by month, and for the whole range the value every month shares (else unknown). */
function baselinesByMonth(view: IndicatorsView): Baselines {
  const map = new Map<string, Record<string, number | null>>(view.baselines.map((b) => [b.month, b.values]));
  const metrics = Object.keys(view.baselines[0]?.values ?? {});
  const common: Record<string, number | null> = {};
  for (const metric of metrics) {
    const values = new Set(view.baselines.map((b) => b.values[metric] ?? null));
    common[metric] = values.size === 1 ? ([...values][0] ?? null) : null;
  }
  map.set(view.total.month, common);
  return map;
}

/** Props of {@link FiltersForm}. */
interface FiltersFormProps {
  view: IndicatorsView;
  filters: IndicatorsFilters;
  currentMonth: string;
}

/** Month range, procedure, office and agent: selects and one button (a select never reloads by itself, WCAG 3.2.2). */
function FiltersForm({ view, filters, currentMonth }: FiltersFormProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(filters);
  const set = (patch: Partial<IndicatorsFilters>) => setDraft((d) => ({ ...d, ...patch }));
  const first = [addMonths(currentMonth, -(MONTHS_OFFERED - 1)), filters.from].sort()[0] ?? filters.from;
  const months = monthRange(first, [currentMonth, filters.to].sort().reverse()[0] ?? currentMonth).map((m) => ({ value: m, label: formatMonthLong(m, language) }));
  const all = (label: string) => ({ value: '', label });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A reversed range is read in order; one too long keeps its end (readIndicatorsQuery).
    void navigate(indicatorsHref(draft));
  };
  const { procedures, offices, agents } = view.filters;
  return (
    <form className="staff-filter" onSubmit={submit} noValidate aria-label={t('indicators.filters.label')}>
      <StaffSelect id="from" name="from" label={t('indicators.filters.from')} value={draft.from} onChange={(from) => set({ from })} options={months} inline />
      <StaffSelect id="to" name="to" label={t('indicators.filters.to')} value={draft.to} onChange={(to) => set({ to })} options={months} inline />
      <StaffSelect
        id="procedure"
        name="procedure"
        label={t('indicators.filters.procedure')}
        value={procedures.some((p) => p.id === draft.procedureId) ? draft.procedureId : ''}
        onChange={(procedureId) => set({ procedureId })}
        options={[all(t('indicators.filters.allProcedures')), ...procedures.map((p) => ({ value: p.id, label: p.name }))]}
        inline
      />
      {offices.length > 1 ? (
        <StaffSelect
          id="office"
          name="office"
          label={t('indicators.filters.office')}
          value={offices.some((o) => o.id === draft.officeId) ? draft.officeId : ''}
          onChange={(officeId) => set({ officeId })}
          options={[all(t('indicators.filters.allOffices')), ...offices.map((o) => ({ value: o.id, label: o.name }))]}
          inline
        />
      ) : null}
      {agents.length > 1 ? (
        <StaffSelect
          id="agent"
          name="agent"
          label={t('indicators.filters.agent')}
          value={agents.some((a) => a.id === draft.agentId) ? draft.agentId : ''}
          onChange={(agentId) => set({ agentId })}
          options={[all(t('indicators.filters.allAgents')), ...agents.map((a) => ({ value: a.id, label: a.name }))]}
          inline
        />
      ) : null}
      <button type="submit" className="button button--secondary button--inline">
        {t('indicators.filters.apply')}
      </button>
    </form>
  );
}

/** The charts and tables of one loaded view. */
function Dashboard({ view, language }: { view: IndicatorsView; language: string }) {
  const { t } = useTranslation();
  const months = view.months.map((m) => m.month);
  const baselines = baselinesByMonth(view);
  const base = (metric: string) => view.months.map((m) => baselines.get(m.month)?.[metric] ?? null);
  const series = (pick: (m: MonthIndicators) => number | null) => view.months.map(pick);
  const count = (v: number) => formatNumber(v, language, 0);
  const score = (v: number) => formatNumber(v, language, 1);
  const percent = (v: number) => formatPercent(v, language);
  const minutes = (v: number) => formatMinutes(v, language);
  // The handling chart is drawn in minutes, so its ticks fall on whole or nice minutes.
  const inMinutes = (seconds: number | null) => (seconds === null ? null : seconds / 60);
  const minutesTick = (v: number, decimals: number) => formatMinutes(v * 60, language, decimals);
  const percentTick = (v: number, decimals: number) => formatPercent(v, language, Math.max(0, decimals - 2));
  const range = { from: formatMonthLong(view.from, language), to: formatMonthLong(view.to, language) };
  const describe = (chart: string, table: string) => t('indicators.chart.description', { chart, table, ...range });

  const appointmentColumns: IndicatorColumn[] = [
    { key: 'requested', header: t('indicators.col.requested'), value: (m) => m.requested, format: count },
    { key: 'held', header: t('indicators.col.held'), value: (m) => m.held, format: count },
    { key: 'noShows', header: t('indicators.col.noShows'), value: (m) => m.noShows, format: count },
    { key: 'cancelled', header: t('indicators.col.cancelled'), value: (m) => m.cancelled, format: count },
    { key: 'unknown', header: t('indicators.col.unknown'), value: (m) => m.unknown, format: count },
    { key: 'upcoming', header: t('indicators.col.upcoming'), value: (m) => m.upcoming, format: count },
    { key: 'noShowRate', header: t('indicators.col.noShowRate'), value: (m) => m.noShowRate, format: percent },
    { key: 'noShowRateInPerson', header: t('indicators.col.noShowRateInPerson'), value: (_, b) => b.no_show_rate ?? null, format: percent },
  ];
  const callColumns: IndicatorColumn[] = [
    { key: 'handlingCount', header: t('indicators.col.handlingCount'), value: (m) => m.handling.count, format: count },
    { key: 'handlingAvg', header: t('indicators.col.handlingAvg'), value: (m) => m.handling.avgSeconds, format: minutes },
    { key: 'handlingMedian', header: t('indicators.col.handlingMedian'), value: (m) => m.handling.medianSeconds, format: minutes },
    { key: 'handlingMedianInPerson', header: t('indicators.col.handlingMedianInPerson'), value: (_, b) => b.handling_median_seconds ?? null, format: minutes },
    { key: 'wrapups', header: t('indicators.col.wrapups'), value: (m) => m.wrapups.count, format: count },
    { key: 'wrapupsMissing', header: t('indicators.col.wrapupsMissing'), value: (m) => m.wrapups.missing, format: count },
    { key: 'missingDocuments', header: t('indicators.col.missingDocuments'), value: (m) => m.wrapups.missingDocumentsShare, format: percent },
    { key: 'missingDocumentsInPerson', header: t('indicators.col.missingDocumentsInPerson'), value: (_, b) => b.missing_documents_share ?? null, format: percent },
    { key: 'staffRating', header: t('indicators.col.staffRating'), value: (m) => m.wrapups.staffRatingAvg, format: score },
  ];
  const surveyColumns: IndicatorColumn[] = [
    { key: 'surveys', header: t('indicators.col.surveys'), value: (m) => m.survey.count, format: count },
    { key: 'liked', header: t('indicators.col.liked'), value: (m) => m.survey.likedAvg, format: score },
    { key: 'easy', header: t('indicators.col.easy'), value: (m) => m.survey.easyAvg, format: score },
    { key: 'useAgain', header: t('indicators.col.useAgain'), value: (m) => m.survey.useAgainShare, format: percent },
  ];
  const table = (id: string, caption: string, columns: IndicatorColumn[]) => (
    <IndicatorsTable id={id} caption={caption} language={language} months={view.months} total={view.total} baselines={baselines} columns={columns} />
  );
  const captions = {
    appointments: t('indicators.table.appointments'),
    calls: t('indicators.table.calls'),
    survey: t('indicators.table.survey'),
  };
  const [blue, vermillion, green, black] = SERIES_STYLES;
  if (!blue || !vermillion || !green || !black) return null;

  return (
    <>
      <section className="indicators-section" aria-labelledby="appointments-heading">
        <h2 id="appointments-heading" className="heading-m">
          {t('indicators.section.appointments')}
        </h2>
        <div className="indicators-charts">
          <div>
            <h3 className="heading-s">{t('indicators.chart.appointments')}</h3>
            <TrendChart
              id="chart-appointments"
              title={t('indicators.chart.appointments')}
              description={describe(t('indicators.chart.appointments'), captions.appointments)}
              language={language}
              months={months}
              integers
              formatTick={count}
              series={[
                { label: t('indicators.col.requested'), values: series((m) => m.requested), style: blue },
                { label: t('indicators.col.held'), values: series((m) => m.held), style: green },
                { label: t('indicators.col.noShows'), values: series((m) => m.noShows), style: vermillion },
                { label: t('indicators.col.cancelled'), values: series((m) => m.cancelled), style: black },
              ]}
            />
          </div>
          <div>
            <h3 className="heading-s">{t('indicators.chart.noShowRate')}</h3>
            <TrendChart
              id="chart-no-show-rate"
              title={t('indicators.chart.noShowRate')}
              description={describe(t('indicators.chart.noShowRate'), captions.appointments)}
              language={language}
              months={months}
              formatTick={percentTick}
              series={[
                { label: t('indicators.series.video'), values: series((m) => m.noShowRate), style: blue },
                { label: t('indicators.series.inPerson'), values: base('no_show_rate'), style: black },
              ]}
            />
          </div>
        </div>
        {table('table-appointments', captions.appointments, appointmentColumns)}
      </section>

      <section className="indicators-section" aria-labelledby="calls-heading">
        <h2 id="calls-heading" className="heading-m">
          {t('indicators.section.calls')}
        </h2>
        <div className="indicators-charts">
          <div>
            <h3 className="heading-s">{t('indicators.chart.handling')}</h3>
            <TrendChart
              id="chart-handling"
              title={t('indicators.chart.handling')}
              description={describe(t('indicators.chart.handling'), captions.calls)}
              language={language}
              months={months}
              formatTick={minutesTick}
              series={[
                { label: t('indicators.series.video'), values: series((m) => inMinutes(m.handling.medianSeconds)), style: blue },
                { label: t('indicators.series.inPerson'), values: base('handling_median_seconds').map(inMinutes), style: black },
              ]}
            />
          </div>
        </div>
        {table('table-calls', captions.calls, callColumns)}
      </section>

      <section className="indicators-section" aria-labelledby="survey-heading">
        <h2 id="survey-heading" className="heading-m">
          {t('indicators.section.survey')}
        </h2>
        <div className="indicators-charts">
          <div>
            <h3 className="heading-s">{t('indicators.chart.scores')}</h3>
            <TrendChart
              id="chart-scores"
              title={t('indicators.chart.scores')}
              description={describe(t('indicators.chart.scores'), captions.survey)}
              language={language}
              months={months}
              yMax={10}
              formatTick={count}
              integers
              target={{ label: t('indicators.series.target', { value: score(view.targets.liked) }), value: view.targets.liked }}
              series={[
                { label: t('indicators.col.liked'), values: series((m) => m.survey.likedAvg), style: blue },
                { label: t('indicators.col.easy'), values: series((m) => m.survey.easyAvg), style: vermillion },
              ]}
            />
          </div>
          <div>
            <h3 className="heading-s">{t('indicators.chart.useAgain')}</h3>
            <TrendChart
              id="chart-use-again"
              title={t('indicators.chart.useAgain')}
              description={describe(t('indicators.chart.useAgain'), captions.survey)}
              language={language}
              months={months}
              yMax={1}
              formatTick={percentTick}
              target={{ label: t('indicators.series.target', { value: percent(view.targets.useAgain) }), value: view.targets.useAgain }}
              series={[{ label: t('indicators.col.useAgain'), values: series((m) => m.survey.useAgainShare), style: green }]}
            />
          </div>
        </div>
        {table('table-survey', captions.survey, surveyColumns)}
      </section>
    </>
  );
}

/** The indicators page (`/staff/indicators`). */
export function IndicatorsScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const session = useStaffSession();
  const { timeZone } = useOrganisation();
  const [search] = useSearchParams();
  const currentMonth = useMemo(() => localDateOf(new Date(), timeZone).slice(0, 7), [timeZone]);
  const filters = readIndicatorsQuery(search, currentMonth);
  const query = apiQuery(filters);
  const key = `${new URLSearchParams(query).toString()}/${language}`;
  // Bumped after saving a baseline: reloads while the page (and its confirmation) stays.
  const [version, setVersion] = useState(0);
  const [state, retry] = useLoad(async (signal) => ({ key, view: await fetchIndicators(query, signal) }), [key, version]);
  useStaffPageTitle(t('indicators.title'));
  const leader = canSeeAllAgents(session);

  let body;
  if (state.status === 'error') {
    body = <LoadProblem error={state.error} onRetry={retry} />;
  } else if (state.status === 'loading' || state.data.key !== key) {
    body = <Loading />;
  } else {
    const { view } = state.data;
    body = (
      <>
        <FiltersForm key={key} view={view} filters={filters} currentMonth={currentMonth} />
        {session.staff.role === 'agent' ? <p className="body">{t('indicators.ownFigures')}</p> : null}
        <p className="body">
          <a href={indicatorsCsvHref(query)} download className="link">
            {t('indicators.downloadCsv')}
          </a>
        </p>
        <p className="body">
          <a href={indicatorsReportHref(view.to, query)} download className="link">
            {t('indicators.downloadReport', { month: formatMonthLong(view.to, language) })}
          </a>
        </p>
        <Dashboard view={view} language={language} />
        <ByProcedure query={query} language={language} />
        {leader ? <SurveyComments query={query} language={language} /> : null}
        {session.staff.role === 'admin' ? (
          <BaselinesForm months={view.months.map((m) => m.month)} csrfToken={session.csrfToken} onSaved={() => setVersion((v) => v + 1)} />
        ) : null}
      </>
    );
  }

  return (
    <>
      <PageHeading caption={t('indicators.range', { from: formatMonthLong(filters.from, language), to: formatMonthLong(filters.to, language) })}>
        {t('indicators.title')}
      </PageHeading>
      {body}
    </>
  );
}
