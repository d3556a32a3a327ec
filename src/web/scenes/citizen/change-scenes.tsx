/**
 * Changing the date or time of an appointment from the citizen area:
 * choose a day → choose a time → confirm → "Appointment changed".
 * The choice is kept in sessionStorage like the booking answers.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { rescheduleAppointment } from '../../api/citizen-api.ts';
import { ApiError } from '../../api/client.ts';
import type { Alternative, ChosenSlot } from '../../api/types.ts';
import { AlternativesChooser, readAlternatives } from '../../components/alternatives-chooser.tsx';
import { BackLink } from '../../components/back-link.tsx';
import { Loading, Panel, SummaryList } from '../../components/content.tsx';
import { DayChooser } from '../../components/day-chooser.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { HeadingShell, PageHeading } from '../../components/page-heading.tsx';
import { LoadProblem, problemMessage } from '../../components/problem.tsx';
import { TimeChooser } from '../../components/time-chooser.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { useProcedure } from '../../hooks/use-procedure.ts';
import { useStoredState } from '../../hooks/use-stored-state.ts';
import { capitalise, formatDayWithYear } from '../../i18n/format.ts';
import { useWhen } from './appointment-view.tsx';
import { isSessionExpired, useCitizenSession } from './citizen-area.tsx';

interface ChangeAnswers {
  /** The appointment these answers belong to. */
  reference: string | null;
  date: string | null;
  slot: ChosenSlot | null;
  alternatives: Alternative[] | null;
}

const EMPTY: ChangeAnswers = { reference: null, date: null, slot: null, alternatives: null };

function useChange(): [ChangeAnswers, (patch: Partial<ChangeAnswers>) => void] {
  const { session } = useCitizenSession();
  const [stored, setStored] = useStoredState<ChangeAnswers>('change', EMPTY);
  const reference = session.appointment.reference;
  const answers = stored.reference === reference ? stored : { ...EMPTY, reference };
  const update = (patch: Partial<ChangeAnswers>) =>
    setStored((previous) => ({ ...(previous.reference === reference ? previous : EMPTY), reference, ...patch }));
  return [answers, update];
}

/** Change, step 1: choose a new day. */
export function ChangeDateScene() {
  const navigate = useNavigate();
  const { t } = useTranslation();
  const { session, base } = useCitizenSession();
  const { appointment } = session;
  const [answers, update] = useChange();
  const [state, retry] = useProcedure(appointment.procedure.id);
  if (!appointment.canChange) return <Navigate to={`${base}/appointment`} replace />;
  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  if (state.status === 'loading') return <Loading />;
  return (
    <DayChooser
      procedureId={appointment.procedure.id}
      maxAdvanceDays={state.data.maxAdvanceDays}
      caption={t('change.caption')}
      selected={answers.date}
      backTo={`${base}/appointment`}
      onChoose={(date) => {
        update({ date, slot: answers.date === date ? answers.slot : null });
        void navigate(`${base}/change/time`);
      }}
    />
  );
}

/** Change, step 2: choose a new time. */
export function ChangeTimeScene() {
  const navigate = useNavigate();
  const { session, base } = useCitizenSession();
  const [answers, update] = useChange();
  if (!session.appointment.canChange) return <Navigate to={`${base}/appointment`} replace />;
  if (!answers.date) return <Navigate to={`${base}/change`} replace />;
  const date = answers.date;
  return (
    <TimeChooser
      procedureId={session.appointment.procedure.id}
      date={date}
      selected={answers.slot?.date === date ? answers.slot.startsAt : null}
      backTo={`${base}/change`}
      chooseDayTo={`${base}/change`}
      onChoose={(slot) => {
        update({ slot, alternatives: null });
        void navigate(`${base}/change/check`);
      }}
    />
  );
}

/** Change, step 3: compare and confirm. */
export function ChangeCheckScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const navigate = useNavigate();
  const when = useWhen();
  const { session, setSession, setAppointment, base } = useCitizenSession();
  const [answers, update] = useChange();
  const [error, setError] = useState<{ id: string; message: string } | null>(null);
  const [submits, setSubmits] = useState(0);
  const [sending, setSending] = useState(false);
  // Set on success, so the guards below do not redirect while navigating away.
  const [done, setDone] = useState(false);
  usePageTitle(t('change.checkTitle'), error !== null);
  const { appointment } = session;
  if (done) return null;
  if (!appointment.canChange) return <Navigate to={`${base}/appointment`} replace />;
  if (!answers.slot) return <Navigate to={`${base}/change`} replace />;
  const slot = answers.slot;
  const current = when(appointment.startsAt, appointment.timeZone);

  const confirm = async () => {
    if (sending) return;
    setSending(true);
    setError(null);
    try {
      const changed = await rescheduleAppointment(session.csrfToken, slot.startsAt);
      setDone(true);
      setAppointment(changed);
      void navigate(`${base}/changed`, { replace: true });
    } catch (e) {
      setSending(false);
      if (isSessionExpired(e)) {
        setSession(null);
        return;
      }
      if (e instanceof ApiError && e.id === 'slot_taken') {
        update({ alternatives: readAlternatives(e.details) });
        void navigate(`${base}/change/taken`);
        return;
      }
      setError({ id: e instanceof ApiError ? e.id : 'unexpected', message: problemMessage(e, t) });
      setSubmits((n) => n + 1);
    }
  };

  return (
    <>
      <BackLink to={`${base}/change/time`} />
      <ErrorSummary errors={error ? [{ message: error.message }] : []} focusKey={submits} />
      {error?.id === 'slot_unavailable' ? (
        <p className="body">
          <Link to={`${base}/change`}>{t('check.chooseAnotherTime')}</Link>
        </p>
      ) : null}
      <PageHeading caption={appointment.procedure.name}>{t('change.checkTitle')}</PageHeading>
      <h2 className="heading-m">{t('change.currentHeading')}</h2>
      <SummaryList
        rows={[
          { key: 'date', label: t('check.date'), value: current.dateLabel },
          { key: 'time', label: t('check.time'), value: current.time },
        ]}
      />
      <h2 className="heading-m">{t('change.newHeading')}</h2>
      <SummaryList
        rows={[
          {
            key: 'date',
            label: t('check.date'),
            value: capitalise(formatDayWithYear(slot.date, language), language),
            change: { to: `${base}/change`, label: t('check.changeDate') },
          },
          {
            key: 'time',
            label: t('check.time'),
            value: slot.localTime,
            change: { to: `${base}/change/time`, label: t('check.changeTime') },
          },
        ]}
      />
      <p className="body">{t('change.note')}</p>
      <div className="button-group">
        <button type="button" className="button" onClick={() => void confirm()} aria-disabled={sending}>
          {t('change.confirm')}
        </button>
        <Link to={`${base}/appointment`} className="link-button">
          {t('change.keep')}
        </Link>
      </div>
    </>
  );
}

/** Change: the chosen time was just taken; pick an alternative. */
export function ChangeTakenScene() {
  const navigate = useNavigate();
  const { base } = useCitizenSession();
  const [answers, update] = useChange();
  if (!answers.alternatives) return <Navigate to={`${base}/change/check`} replace />;
  return (
    <AlternativesChooser
      alternatives={answers.alternatives}
      backTo={`${base}/change/check`}
      chooseDayTo={`${base}/change`}
      onChoose={(slot) => {
        update({ slot, date: slot.date, alternatives: null });
        void navigate(`${base}/change/check`);
      }}
    />
  );
}

/** "Appointment changed". */
export function ChangedScene() {
  const { t } = useTranslation();
  const when = useWhen();
  const { session, base } = useCitizenSession();
  const [, update] = useChange();
  usePageTitle(t('changed.title'));
  useEffect(() => {
    // The change is made: forget the chosen day and time.
    update({ date: null, slot: null, alternatives: null });
    // Once, on arrival.
  }, []);
  const { appointment } = session;
  const { dateLabel, time } = when(appointment.startsAt, appointment.timeZone);
  return (
    <>
      <Panel title={<HeadingShell className="panel__title">{t('changed.title')}</HeadingShell>}>
        {t('changed.newTime')}
        <br />
        <strong className="panel__reference">{t('changed.when', { date: dateLabel, time })}</strong>
      </Panel>
      <p className="body">{t('changed.email', { email: appointment.citizen.email })}</p>
      <p className="body">
        <Link to={`${base}/appointment`}>{t('changed.back')}</Link>
      </p>
    </>
  );
}
