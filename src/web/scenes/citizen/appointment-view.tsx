/** Pieces shared by the citizen-area pages: the status tag and the appointment's date and time. */
import { useTranslation } from 'react-i18next';
import type { CitizenAppointmentView } from '../../api/types.ts';
import { Tag } from '../../components/content.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { capitalise, formatInstantDate, formatInstantTime } from '../../i18n/format.ts';

const STATUS_COLOURS: Record<string, 'blue' | 'green' | 'grey' | 'red' | 'yellow'> = {
  booked: 'blue',
  documents_pending: 'yellow',
  ready: 'green',
  waiting: 'blue',
  in_call: 'blue',
  completed: 'green',
  not_conclusive: 'grey',
  desisted: 'grey',
  cancelled: 'red',
};

/** Statuses in which the appointment is still ahead. */
export const UPCOMING_STATUSES: readonly string[] = ['booked', 'documents_pending', 'ready'];

/** The appointment's status in words (the colour only supports them). */
export function StatusTag({ status }: { status: string }) {
  const { t, i18n } = useTranslation();
  const key = `appointment.status.${status}`;
  return <Tag colour={STATUS_COLOURS[status] ?? 'grey'}>{i18n.exists(key) ? t(key) : status}</Tag>;
}

/** An instant as words: the date for use mid-sentence, the same capitalised for a list row, and the time. */
export interface When {
  date: string;
  dateLabel: string;
  time: string;
}

/** Date and time of an instant in the appointment's zone, in the UI language. */
export function useWhen(): (iso: string, timeZone: string) => When {
  const language = useLanguage();
  return (iso, timeZone) => {
    const date = formatInstantDate(iso, timeZone, language);
    return { date, dateLabel: capitalise(date, language), time: formatInstantTime(iso, timeZone, language) };
  };
}

/** Summary rows "Procedure, Date, Time" of an appointment. */
export function useAppointmentRows(appointment: CitizenAppointmentView) {
  const { t } = useTranslation();
  const when = useWhen();
  const { dateLabel, time } = when(appointment.startsAt, appointment.timeZone);
  return [
    { key: 'reference', label: t('appointment.reference'), value: appointment.reference },
    { key: 'procedure', label: t('check.procedure'), value: appointment.procedure.name },
    { key: 'date', label: t('check.date'), value: dateLabel },
    { key: 'time', label: t('check.time'), value: time },
  ];
}
