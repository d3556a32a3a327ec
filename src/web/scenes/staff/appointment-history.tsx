/** The history of an appointment: what happened, who did it and when, oldest first. */
import { useTranslation } from 'react-i18next';
import type { HistoryEvent } from '../../api/staff-api.ts';
import { useLanguage } from '../../hooks/use-language.ts';
import { formatInstantDate, formatInstantTime } from '../../i18n/format.ts';
import { actorLabel, eventLabel } from './staff-labels.tsx';

/** Props of {@link AppointmentHistory}. */
export interface AppointmentHistoryProps {
  events: readonly HistoryEvent[];
  timeZone: string;
  /** Names of the staff the page knows, by id, to say who did what. */
  staffNames: ReadonlyMap<string, string>;
}

/** An ordered list of the events. */
export function AppointmentHistory({ events, timeZone, staffNames }: AppointmentHistoryProps) {
  const { t, i18n } = useTranslation();
  const language = useLanguage();
  if (events.length === 0) return <p className="body staff-muted">{t('staff.history.empty')}</p>;
  const ordered = [...events].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <ol className="staff-history">
      {ordered.map((event, index) => (
        <li key={`${event.at}:${event.type}:${index}`} className="staff-history__item">
          <span className="staff-history__type">{eventLabel(event.type, t, (k) => i18n.exists(k), event.data)}</span>
          <span className="staff-history__meta">
            {t('staff.history.byAt', {
              actor: actorLabel(event.actor, t, staffNames),
              date: formatInstantDate(event.at, timeZone, language),
              time: formatInstantTime(event.at, timeZone, language),
            })}
          </span>
        </li>
      ))}
    </ol>
  );
}
