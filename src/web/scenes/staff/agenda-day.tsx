/**
 * One day of the agenda: a heading, then a table of its appointments (caption
 * naming the day, header cells with scope) or, when there are none, a
 * sentence saying so. The heading stays outside the table so that it does not
 * scroll away with it.
 * On a narrow screen the table scrolls sideways inside a focusable region
 * (WCAG 1.4.10 allows two-dimensional scrolling for data tables).
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AgendaAppointment } from '../../api/staff-api.ts';
import { useLanguage } from '../../hooks/use-language.ts';
import { capitalise, formatDayWithYear, formatInstantTime } from '../../i18n/format.ts';
import { channelLabel, fullName, NeedsBadges, StaffStatusTag } from './staff-labels.tsx';

/** Router state of the detail page, so its "Back" link returns to the same agenda view. */
export interface FromAgendaState {
  from: string;
}

/** Props of {@link AgendaDay}. */
export interface AgendaDayProps {
  /** Local date, YYYY-MM-DD. */
  date: string;
  appointments: readonly AgendaAppointment[];
  timeZone: string;
  /** The agenda's current address, for the detail page's "Back" link. */
  agendaHref: string;
}

/** The appointments of one day. */
export function AgendaDay({ date, appointments, timeZone, agendaHref }: AgendaDayProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const headingId = `day-${date}`;
  const day = formatDayWithYear(date, language);
  const dayLabel = capitalise(day, language);
  const heading = (
    <h2 id={headingId} className="heading-m staff-day__heading">
      {dayLabel}
      <span className="staff-day__count"> {t('staff.agenda.count', { count: appointments.length })}</span>
    </h2>
  );
  if (appointments.length === 0) {
    return (
      <div className="staff-day">
        {heading}
        <p className="body staff-muted">{t('staff.agenda.emptyDay')}</p>
      </div>
    );
  }
  const state: FromAgendaState = { from: agendaHref };
  return (
    <div className="staff-day">
      {heading}
      <div className="staff-table-wrap" role="region" aria-labelledby={headingId} tabIndex={0}>
        <table className="staff-table">
          <caption className="visually-hidden">{t('staff.agenda.caption', { day })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('staff.agenda.columns.time')}</th>
              <th scope="col">{t('staff.agenda.columns.citizen')}</th>
              <th scope="col">{t('staff.agenda.columns.procedure')}</th>
              <th scope="col">{t('staff.agenda.columns.channel')}</th>
              <th scope="col">{t('staff.agenda.columns.status')}</th>
              <th scope="col">{t('staff.agenda.columns.agent')}</th>
              <th scope="col">{t('staff.agenda.columns.needs')}</th>
            </tr>
          </thead>
          <tbody>
            {appointments.map((a) => (
              <tr key={a.id}>
                <th scope="row" className="staff-table__time">
                  {t('staff.agenda.timeRange', {
                    start: formatInstantTime(a.startsAt, timeZone, language),
                    end: formatInstantTime(a.endsAt, timeZone, language),
                  })}
                </th>
                <td>
                  <Link to={`/staff/appointments/${encodeURIComponent(a.id)}`} state={state} className="staff-table__citizen">
                    {fullName(a.citizen, t)}
                  </Link>
                  <span className="staff-table__reference">{a.reference}</span>
                </td>
                <td>{a.procedure.name}</td>
                <td>{channelLabel(a.channel, t)}</td>
                <td>
                  <StaffStatusTag status={a.status} />
                </td>
                <td>{a.agent.displayName}</td>
                <td>
                  <NeedsBadges needs={a.needs} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
