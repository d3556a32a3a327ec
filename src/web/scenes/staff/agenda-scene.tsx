/**
 * The agenda: the appointments of one day or one week, day by day, in the
 * organisation's time zone. Links switch between day and week and move to
 * the previous or next period; supervisors and admins can show one agent's
 * appointments only, and whoever may see several offices one office's only.
 * Everything the page shows is in its address.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { fetchAgenda, type AgendaAppointment, type AgentRef, type OfficeRef } from '../../api/staff-api.ts';
import { Loading } from '../../components/content.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { LoadProblem } from '../../components/problem.tsx';
import { StaffSelect } from '../../components/staff-select.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { useOrganisation } from '../../hooks/use-organisation.ts';
import { capitalise, formatDayWithYear, intlLocale, localDateOf } from '../../i18n/format.ts';
import { AgendaDay } from './agenda-day.tsx';
import { agendaHref, containsDay, periodOf, readAgendaQuery, shiftDate, weekdayIndex, type AgendaQuery } from './agenda-period.ts';
import { canSeeAllAgents, useStaffPageTitle, useStaffSession } from './staff-session.ts';

/** "30 March" (or "6 April 2026" with the year), for the ends of a week's range. */
function formatDayMonth(date: string, language: string, withYear = false): string {
  return new Intl.DateTimeFormat(intlLocale(language), {
    day: 'numeric',
    month: 'long',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}

/** Props of {@link AgendaFilters}. */
interface AgendaFiltersProps {
  /** Agents to choose from; null when the viewer sees only their own appointments. */
  agents: readonly AgentRef[] | null;
  /** Offices to choose from; null when there is only one. */
  offices: readonly OfficeRef[] | null;
  query: AgendaQuery;
  today: string;
}

/** The office and agent filters: selects and one button (changing a select never reloads the page by itself, WCAG 3.2.2). */
function AgendaFilters({ agents, offices, query, today }: AgendaFiltersProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  // An id the lists do not hold (another office's agent, say) shows as "all", as the select would.
  const [officeId, setOfficeId] = useState(offices?.some((o) => o.id === query.officeId) ? query.officeId : '');
  const [agentId, setAgentId] = useState(agents?.some((a) => a.id === query.agentId) ? query.agentId : '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void navigate(agendaHref({ ...query, officeId, agentId }, today));
  };
  return (
    <form className="staff-filter" onSubmit={submit} noValidate>
      {offices ? (
        <StaffSelect
          id="office"
          name="office"
          label={t('staff.agenda.officeFilter')}
          value={officeId}
          onChange={setOfficeId}
          options={[{ value: '', label: t('staff.agenda.allOffices') }, ...offices.map((o) => ({ value: o.id, label: o.name }))]}
          inline
        />
      ) : null}
      {agents ? (
        <StaffSelect
          id="agent"
          name="agent"
          label={t('staff.agenda.agentFilter')}
          value={agentId}
          onChange={setAgentId}
          options={[{ value: '', label: t('staff.agenda.allAgents') }, ...agents.map((a) => ({ value: a.id, label: a.displayName }))]}
          inline
        />
      ) : null}
      <button type="submit" className="button button--secondary button--inline">
        {t('staff.agenda.applyFilter')}
      </button>
    </form>
  );
}

/** The agenda page (`/staff`). */
export function AgendaScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const session = useStaffSession();
  const { timeZone } = useOrganisation();
  const [search] = useSearchParams();
  const today = useMemo(() => localDateOf(new Date(), timeZone), [timeZone]);
  const query = readAgendaQuery(search, today);
  const period = periodOf(query.mode, query.date);
  const allAgents = canSeeAllAgents(session);
  const agentId = allAgents ? query.agentId : '';
  const { officeId } = query;
  const key = `${period.from}/${period.to}/${officeId}/${agentId}/${language}`;
  const [state, retry] = useLoad(
    async (signal) => ({ key, view: await fetchAgenda({ from: period.from, to: period.to, agentId, officeId }, signal) }),
    [key],
  );
  useStaffPageTitle(t('staff.agenda.title'));

  const href = (patch: Partial<AgendaQuery>) => agendaHref({ ...query, ...patch }, today);
  const periodLabel =
    query.mode === 'day'
      ? capitalise(formatDayWithYear(query.date, language), language)
      : t('staff.agenda.weekRange', {
          from: formatDayMonth(period.from, language),
          to: formatDayMonth(period.to, language, true),
        });
  const isCurrent = containsDay(period, today);

  let body;
  if (state.status === 'error') {
    body = <LoadProblem error={state.error} onRetry={retry} />;
  } else if (state.status === 'loading' || state.data.key !== key) {
    body = <Loading />;
  } else {
    const { view } = state.data;
    const byDay = new Map<string, AgendaAppointment[]>();
    for (const appointment of [...view.appointments].sort((a, b) => a.startsAt.localeCompare(b.startsAt))) {
      const day = localDateOf(new Date(appointment.startsAt), view.timeZone);
      byDay.set(day, [...(byDay.get(day) ?? []), appointment]);
    }
    // Weekends are shown only when something is booked on them: offices are usually closed.
    const days = period.days.filter((d) => query.mode === 'day' || weekdayIndex(d) < 5 || byDay.has(d));
    const total = view.appointments.length;
    const offices = view.offices.length > 1 ? view.offices : null;
    body = (
      <>
        {allAgents || offices ? (
          <AgendaFilters key={`${officeId}/${agentId}`} agents={allAgents ? view.agents : null} offices={offices} query={query} today={today} />
        ) : null}
        {query.mode === 'week' ? <p className="body">{t('staff.agenda.totalWeek', { count: total })}</p> : null}
        {days.map((day) => (
          <AgendaDay
            key={day}
            date={day}
            appointments={byDay.get(day) ?? []}
            timeZone={view.timeZone}
            agendaHref={href({})}
          />
        ))}
      </>
    );
  }

  return (
    <>
      <PageHeading caption={periodLabel}>{t('staff.agenda.title')}</PageHeading>
      <div className="staff-toolbar">
        <nav className="staff-toolbar__group" aria-label={t('staff.agenda.viewNav')}>
          <ul className="staff-segmented">
            <li>
              <Link to={href({ mode: 'day' })} aria-current={query.mode === 'day' ? 'page' : undefined} className="staff-segmented__link">
                {t('staff.agenda.dayView')}
              </Link>
            </li>
            <li>
              <Link to={href({ mode: 'week' })} aria-current={query.mode === 'week' ? 'page' : undefined} className="staff-segmented__link">
                {t('staff.agenda.weekView')}
              </Link>
            </li>
          </ul>
        </nav>
        <nav className="staff-toolbar__group" aria-label={t('staff.agenda.periodNav')}>
          <ul className="staff-pager">
            <li>
              <Link to={href({ date: shiftDate(query.mode, query.date, -1) })} className="staff-pager__link">
                {query.mode === 'day' ? t('staff.agenda.previousDay') : t('staff.agenda.previousWeek')}
              </Link>
            </li>
            {isCurrent ? null : (
              <li>
                <Link to={href({ date: today })} className="staff-pager__link">
                  {query.mode === 'day' ? t('staff.agenda.today') : t('staff.agenda.thisWeek')}
                </Link>
              </li>
            )}
            <li>
              <Link to={href({ date: shiftDate(query.mode, query.date, 1) })} className="staff-pager__link">
                {query.mode === 'day' ? t('staff.agenda.nextDay') : t('staff.agenda.nextWeek')}
              </Link>
            </li>
          </ul>
        </nav>
      </div>
      {body}
    </>
  );
}
