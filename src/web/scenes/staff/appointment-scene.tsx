/**
 * One appointment as staff see it: when, what and with whom, the citizen's
 * details and needs, what can be done with it, and its history. After an
 * action the page reloads the appointment and says what happened in a
 * banner that takes focus.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams } from 'react-router';
import { isLanguage } from '../../../shared/limits.ts';
import { fetchAppointment, type StaffAppointment } from '../../api/staff-api.ts';
import { BackLink } from '../../components/back-link.tsx';
import { InsetText, Loading, SummaryList } from '../../components/content.tsx';
import { ErrorSummary, type SummaryError } from '../../components/error-summary.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { LoadProblem } from '../../components/problem.tsx';
import { StaffSuccessBanner } from '../../components/staff-banner.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { useOrganisation } from '../../hooks/use-organisation.ts';
import { capitalise, formatInstantDate, formatInstantTime } from '../../i18n/format.ts';
import { LANGUAGE_NAMES } from '../../i18n/i18n.ts';
import type { FromAgendaState } from './agenda-day.tsx';
import { AppointmentActions } from './appointment-actions.tsx';
import { AppointmentHistory } from './appointment-history.tsx';
import { RecordingSection } from './recording-section.tsx';
import { EvidenceSection } from './evidence-section.tsx';
import { WrapupPanel } from './wrapup/wrapup-panel.tsx';
import { DocumentsSection } from './documents/documents-section.tsx';
import { InterpreterPanel } from './interpreters/interpreter-panel.tsx';
import { LegalHoldPanel } from './legal-hold-panel.tsx';
import { minimisedAt } from './retention-notice.ts';
import { channelLabel, fullName, NeedsBadges, StaffStatusTag } from './staff-labels.tsx';
import { useStaffPageTitle, useStaffSession } from './staff-session.ts';

function backTarget(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state) {
    const from = (state as FromAgendaState).from;
    if (typeof from === 'string' && from.startsWith('/staff')) return from;
  }
  return '/staff';
}

function useRows(appointment: StaffAppointment, timeZone: string) {
  const { t, i18n } = useTranslation();
  const language = useLanguage();
  const date = (iso: string) => capitalise(formatInstantDate(iso, timeZone, language), language);
  const time = (iso: string) => formatInstantTime(iso, timeZone, language);
  const at = (iso: string) => t('staff.detail.dateAtTime', { date: formatInstantDate(iso, timeZone, language), time: time(iso) });
  const { citizen } = appointment;
  const idTypeKey = `details.idType.${citizen.idType}`;
  const appointmentRows = [
    { key: 'reference', label: t('staff.detail.reference'), value: appointment.reference },
    { key: 'status', label: t('staff.detail.status'), value: <StaffStatusTag status={appointment.status} /> },
    { key: 'date', label: t('staff.detail.date'), value: date(appointment.startsAt) },
    {
      key: 'time',
      label: t('staff.detail.time'),
      value: t('staff.agenda.timeRange', { start: time(appointment.startsAt), end: time(appointment.endsAt) }),
    },
    { key: 'procedure', label: t('staff.detail.procedure'), value: appointment.procedure.name },
    { key: 'channel', label: t('staff.detail.channel'), value: channelLabel(appointment.channel, t) },
    { key: 'agent', label: t('staff.detail.agent'), value: appointment.agent.displayName },
    ...(appointment.uploadDeadline
      ? [{ key: 'deadline', label: t('staff.detail.uploadDeadline'), value: at(appointment.uploadDeadline) }]
      : []),
    { key: 'created', label: t('staff.detail.createdAt'), value: at(appointment.createdAt) },
  ];
  const citizenRows = [
    { key: 'name', label: t('staff.detail.name'), value: citizen.name },
    { key: 'surnames', label: t('staff.detail.surnames'), value: citizen.surnames },
    {
      key: 'id',
      label: t('staff.detail.idDocument'),
      value: t('check.idDocumentValue', { type: i18n.exists(idTypeKey) ? t(idTypeKey) : citizen.idType, number: citizen.idNumber }),
    },
    { key: 'email', label: t('staff.detail.email'), value: <span className="break-word">{citizen.email}</span> },
    { key: 'phone', label: t('staff.detail.phone'), value: citizen.phone },
    {
      key: 'language',
      label: t('staff.detail.language'),
      value: isLanguage(citizen.language) ? <span lang={citizen.language}>{LANGUAGE_NAMES[citizen.language]}</span> : citizen.language,
    },
    { key: 'needs', label: t('staff.detail.needs'), value: <NeedsBadges needs={appointment.needs} /> },
  ];
  return { appointmentRows, citizenRows };
}

function Details({ appointment, timeZone, minimised }: { appointment: StaffAppointment; timeZone: string; minimised: string | null }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { appointmentRows, citizenRows } = useRows(appointment, timeZone);
  return (
    <>
      <h2 className="heading-m">{t('staff.detail.appointmentHeading')}</h2>
      <SummaryList rows={appointmentRows} />
      <h2 className="heading-m">{t('staff.detail.citizenHeading')}</h2>
      {minimised ? (
        <InsetText>
          <p className="body">{t('retention.minimised', { date: formatInstantDate(minimised, timeZone, language) })}</p>
        </InsetText>
      ) : (
        <SummaryList rows={citizenRows} />
      )}
    </>
  );
}

/** The appointment page (`/staff/appointments/:id`). */
export function AppointmentScene() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const location = useLocation();
  const language = useLanguage();
  const session = useStaffSession();
  const { timeZone } = useOrganisation();
  const [version, setVersion] = useState(0);
  const [state, retry] = useLoad((signal) => fetchAppointment(id, signal), [id, language, version]);
  const [notice, setNotice] = useState<string | null>(null);
  const [problems, setProblems] = useState<SummaryError[]>([]);
  const [submits, setSubmits] = useState(0);
  const title = state.status === 'ready' ? fullName(state.data.appointment.citizen, t) : t('staff.detail.title');
  useStaffPageTitle(title, problems.length > 0);

  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  if (state.status === 'loading') return <Loading />;
  const detail = state.data;
  const { appointment } = detail;

  return (
    <>
      <BackLink to={backTarget(location.state)} />
      {notice ? <StaffSuccessBanner message={notice} /> : null}
      <ErrorSummary errors={problems} focusKey={submits} />
      <PageHeading caption={t('staff.detail.caption', { reference: appointment.reference })}>
        {fullName(appointment.citizen, t)}
      </PageHeading>
      <p className="body staff-lead">
        <StaffStatusTag status={appointment.status} />{' '}
        <span>
          {t('staff.detail.lead', {
            procedure: appointment.procedure.name,
            date: formatInstantDate(appointment.startsAt, timeZone, language),
            time: formatInstantTime(appointment.startsAt, timeZone, language),
          })}
        </span>
      </p>
      <div className="staff-columns">
        <div className="staff-columns__main">
          <Details appointment={appointment} timeZone={timeZone} minimised={minimisedAt(detail.history)} />
          {appointment.channel === 'video' ? <WrapupPanel appointmentId={appointment.id} csrfToken={session.csrfToken} version={version} /> : null}
          <DocumentsSection appointmentId={appointment.id} appointmentStatus={appointment.status} timeZone={timeZone} onChange={() => setVersion((n) => n + 1)} />
          {appointment.channel === 'video' ? <RecordingSection appointmentId={appointment.id} version={version} /> : null}
          <EvidenceSection appointmentId={appointment.id} csrfToken={session.csrfToken} timeZone={timeZone} onSealed={() => setVersion((n) => n + 1)} />
        </div>
        <div className="staff-columns__side">
          <AppointmentActions
            detail={detail}
            csrfToken={session.csrfToken}
            timeZone={timeZone}
            onStart={() => {
              setNotice(null);
              setProblems([]);
            }}
            onDone={(message) => {
              setNotice(message);
              setVersion((n) => n + 1);
            }}
            onError={(message, fieldId) => {
              setProblems([{ message, fieldId }]);
              setSubmits((n) => n + 1);
            }}
          />
          {appointment.channel === 'video' ? (
            <InterpreterPanel appointmentId={appointment.id} startsAt={appointment.startsAt} csrfToken={session.csrfToken} onChange={() => setVersion((n) => n + 1)} />
          ) : null}
          {session.staff.role === 'supervisor' || session.staff.role === 'admin' ? (
            <LegalHoldPanel appointmentId={appointment.id} csrfToken={session.csrfToken} timeZone={timeZone} onChange={() => setVersion((n) => n + 1)} />
          ) : null}
          <h2 className="heading-m">{t('staff.history.heading')}</h2>
          <AppointmentHistory
            events={detail.history}
            timeZone={timeZone}
            staffNames={
              new Map([
                [appointment.agent.id, appointment.agent.displayName],
                [session.staff.id, session.staff.displayName],
              ])
            }
          />
        </div>
      </div>
    </>
  );
}
