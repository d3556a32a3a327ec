/** Cancelling: a confirmation page with a destructive button, then "Appointment cancelled". */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { cancelAppointment } from '../../api/citizen-api.ts';
import { BackLink } from '../../components/back-link.tsx';
import { Panel, SummaryList, WarningText } from '../../components/content.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { HeadingShell, PageHeading } from '../../components/page-heading.tsx';
import { problemMessage } from '../../components/problem.tsx';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { useAppointmentRows } from './appointment-view.tsx';
import { isSessionExpired, useCitizenSession } from './citizen-area.tsx';

/** "Are you sure you want to cancel?" */
export function CancelScene() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { session, setSession, setAppointment, base } = useCitizenSession();
  const rows = useAppointmentRows(session.appointment);
  const [error, setError] = useState<string | null>(null);
  const [submits, setSubmits] = useState(0);
  const [sending, setSending] = useState(false);
  // Set on success, so the guard below does not redirect while navigating away.
  const [done, setDone] = useState(false);
  usePageTitle(t('cancel.title'), error !== null);
  if (done) return null;
  if (!session.appointment.canChange) return <Navigate to={`${base}/appointment`} replace />;

  const confirm = async () => {
    if (sending) return;
    setSending(true);
    setError(null);
    try {
      const appointment = await cancelAppointment(session.csrfToken);
      setDone(true);
      setAppointment(appointment);
      void navigate(`${base}/cancelled`, { replace: true });
    } catch (e) {
      if (isSessionExpired(e)) {
        // The password page explains nothing went through; signing in again resumes here.
        setSession(null);
        return;
      }
      setError(problemMessage(e, t));
      setSubmits((n) => n + 1);
      setSending(false);
    }
  };

  return (
    <>
      <BackLink to={`${base}/appointment`} />
      <ErrorSummary errors={error ? [{ message: error }] : []} focusKey={submits} />
      <PageHeading>{t('cancel.title')}</PageHeading>
      <SummaryList rows={rows} />
      <WarningText>{t('cancel.warning')}</WarningText>
      <div className="button-group">
        <button type="button" className="button button--warning" onClick={() => void confirm()} aria-disabled={sending}>
          {t('cancel.confirm')}
        </button>
        <Link to={`${base}/appointment`} className="link-button">
          {t('cancel.keep')}
        </Link>
      </div>
    </>
  );
}

/** "Appointment cancelled". */
export function CancelledScene() {
  const { t } = useTranslation();
  const { session, base } = useCitizenSession();
  usePageTitle(t('cancelled.title'));
  if (session.appointment.status !== 'cancelled') return <Navigate to={`${base}/appointment`} replace />;
  return (
    <>
      <Panel title={<HeadingShell className="panel__title">{t('cancelled.title')}</HeadingShell>}>
        {t('done.referenceLabel')}
        <br />
        <strong className="panel__reference">{session.appointment.reference}</strong>
      </Panel>
      <p className="body">{t('cancelled.email', { email: session.appointment.citizen.email })}</p>
      <p className="body">
        <Link to="/">{t('done.bookAnother')}</Link>
      </p>
    </>
  );
}
