/**
 * The capacity calendar (`/staff/admin/schedules/calendar`): a month as a
 * data table, a row a day — agent-hours open and free, agents working,
 * appointments, and in words why a day has no capacity (a closure, no
 * hours). The month, office and agent live in the address, so the agent's
 * page can link to its own calendar; a select never reloads by itself.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { fetchCalendar, type CalendarView } from '../../../api/admin-schedules-api.ts';
import { Loading } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { formatDayLong, localDateOf } from '../../../i18n/format.ts';
import { useStaffPageTitle } from '../../staff/staff-session.ts';
import { SCHEDULES_BASE, SchedulesNav } from './schedules-common.tsx';
import { formatMonth, hoursText, shiftMonth } from './schedules-format.ts';

interface Filters {
  month: string;
  officeId: string;
  staffId: string;
}

function href(f: Filters): string {
  const q = new URLSearchParams({ month: f.month });
  if (f.officeId) q.set('officeId', f.officeId);
  if (f.staffId) q.set('staffId', f.staffId);
  return `${SCHEDULES_BASE}/calendar?${q.toString()}`;
}

/** The calendar page. */
export function CalendarScene() {
  const { t, i18n } = useTranslation();
  const organisation = useOrganisation();
  useStaffPageTitle(t('adminSchedules.calendar.title'));
  const [params] = useSearchParams();
  const current = localDateOf(new Date(), organisation.timeZone).slice(0, 7);
  const asked = params.get('month') ?? '';
  const filters: Filters = {
    month: /^\d{4}-(0[1-9]|1[0-2])$/.test(asked) ? asked : current,
    officeId: params.get('officeId') ?? '',
    staffId: params.get('staffId') ?? '',
  };
  const [state, retry] = useLoad((signal) => fetchCalendar(filters, signal), [filters.month, filters.officeId, filters.staffId]);
  return (
    <>
      <PageHeading caption={t('adminSchedules.title')}>{t('adminSchedules.calendar.title')}</PageHeading>
      <SchedulesNav />
      <p className="body">{t('adminSchedules.calendar.intro')}</p>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <LoadProblem error={state.error} onRetry={retry} /> : null}
      {state.status === 'ready' ? (
        <>
          <FiltersForm key={`${filters.month}:${filters.officeId}:${filters.staffId}`} view={state.data} filters={filters} current={current} />
          <nav className="schedules-months" aria-label={t('adminSchedules.calendar.month')}>
            <Link to={href({ ...filters, month: shiftMonth(filters.month, -1) })}>{t('adminSchedules.calendar.previous')}</Link>
            <Link to={href({ ...filters, month: shiftMonth(filters.month, 1) })}>{t('adminSchedules.calendar.next')}</Link>
          </nav>
          <CalendarTable view={state.data} language={i18n.language} />
        </>
      ) : null}
    </>
  );
}

function FiltersForm({ view, filters, current }: { view: CalendarView; filters: Filters; current: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(filters);
  const months = Array.from({ length: 25 }, (_, i) => shiftMonth(current, i - 12));
  if (!months.includes(filters.month)) months.push(filters.month);
  months.sort();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void navigate(href(draft));
  };
  return (
    <form className="staff-filter" onSubmit={submit} noValidate aria-label={t('adminSchedules.calendar.filters')}>
      <StaffSelect
        id="calendar-month"
        name="month"
        label={t('adminSchedules.calendar.month')}
        value={draft.month}
        options={months.map((m) => ({ value: m, label: formatMonth(m, i18n.language) }))}
        onChange={(month) => setDraft((d) => ({ ...d, month }))}
        inline
      />
      <StaffSelect
        id="calendar-office"
        name="officeId"
        label={t('adminSchedules.calendar.office')}
        value={draft.officeId}
        options={[{ value: '', label: t('adminSchedules.calendar.allOffices') }, ...view.offices.map((o) => ({ value: o.id, label: o.name }))]}
        onChange={(officeId) => setDraft((d) => ({ ...d, officeId }))}
        inline
      />
      <StaffSelect
        id="calendar-agent"
        name="staffId"
        label={t('adminSchedules.calendar.agent')}
        value={draft.staffId}
        options={[{ value: '', label: t('adminSchedules.calendar.allAgents') }, ...view.agents.map((a) => ({ value: a.id, label: a.name }))]}
        onChange={(staffId) => setDraft((d) => ({ ...d, staffId }))}
        inline
      />
      <button type="submit" className="button button--secondary button--inline">
        {t('adminSchedules.calendar.show')}
      </button>
    </form>
  );
}

function CalendarTable({ view, language }: { view: CalendarView; language: string }) {
  const { t } = useTranslation();
  const sum = (pick: (d: CalendarView['days'][number]) => number) => view.days.reduce((n, d) => n + pick(d), 0);
  const note = (d: CalendarView['days'][number]) => {
    if (d.closedReason !== null) return d.closedReason ? t('adminSchedules.calendar.closed', { reason: d.closedReason }) : t('adminSchedules.calendar.closedNoReason');
    const notes = [d.openMinutes === 0 ? t('adminSchedules.calendar.noHours') : '', d.agentExceptions > 0 ? t('adminSchedules.calendar.agentExceptions', { count: d.agentExceptions }) : ''];
    return notes.filter(Boolean).join('. ');
  };
  return (
    <div className="staff-table-wrap schedules-table-wrap" role="region" aria-labelledby="calendar-caption" tabIndex={0}>
      <table className="staff-table schedules-table schedules-calendar">
        <caption id="calendar-caption" className="schedules-table__caption">
          {t('adminSchedules.calendar.caption', { month: formatMonth(view.month, language) })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('adminSchedules.calendar.col.day')}</th>
            <th scope="col" className="schedules-table__number">
              {t('adminSchedules.calendar.col.open')}
            </th>
            <th scope="col" className="schedules-table__number">
              {t('adminSchedules.calendar.col.free')}
            </th>
            <th scope="col" className="schedules-table__number">
              {t('adminSchedules.calendar.col.agents')}
            </th>
            <th scope="col" className="schedules-table__number">
              {t('adminSchedules.calendar.col.appointments')}
            </th>
            <th scope="col">{t('adminSchedules.calendar.col.notes')}</th>
          </tr>
        </thead>
        <tbody>
          {view.days.map((d) => (
            <tr key={d.date} data-date={d.date} className={d.openMinutes === 0 ? 'schedules-calendar__idle' : undefined}>
              <th scope="row">{formatDayLong(d.date, language)}</th>
              <td className="schedules-table__number">{hoursText(d.openMinutes, language)}</td>
              <td className="schedules-table__number">{hoursText(d.freeMinutes, language)}</td>
              <td className="schedules-table__number">{d.agents}</td>
              <td className="schedules-table__number">{d.appointments}</td>
              <td>{note(d)}</td>
            </tr>
          ))}
          <tr className="schedules-calendar__total">
            <th scope="row">{t('adminSchedules.calendar.total')}</th>
            <td className="schedules-table__number">{hoursText(sum((d) => d.openMinutes), language)}</td>
            <td className="schedules-table__number">{hoursText(sum((d) => d.freeMinutes), language)}</td>
            <td />
            <td className="schedules-table__number">{sum((d) => d.appointments)}</td>
            <td />
          </tr>
        </tbody>
      </table>
    </div>
  );
}
