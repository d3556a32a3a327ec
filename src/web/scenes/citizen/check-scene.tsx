/**
 * Booking step 6: check your answers, then book. The bot check (proof of
 * work) is solved in the background from the moment this page opens; the
 * button waits for it with a visible, announced status.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { CaptchaSolver } from '../../api/captcha.ts';
import { ApiError } from '../../api/client.ts';
import { createAppointment } from '../../api/public-api.ts';
import type { BookingRequestBody, CaptchaPayload } from '../../api/types.ts';
import { readAlternatives } from '../../components/alternatives-chooser.tsx';
import { BackLink } from '../../components/back-link.tsx';
import { Loading } from '../../components/content.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { LoadProblem, problemMessage } from '../../components/problem.tsx';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { useProcedure } from '../../hooks/use-procedure.ts';
import { finishBooking, useBooking, type DetailsAnswers } from './booking-state.ts';
import { AnswersSummary } from './answers-summary.tsx';
import { issuesToDetailsErrors, readIssues, validateDetails } from './details-validation.ts';
import type { DetailsLocationState } from './details-scene.tsx';

type Phase = 'idle' | 'checking' | 'sending';

function requestBody(procedureId: string, startsAt: string, d: DetailsAnswers, captcha: CaptchaPayload): BookingRequestBody | null {
  if (d.idType === '' || d.language === '') return null;
  return {
    procedureId,
    startsAt,
    channel: 'video',
    citizen: {
      name: d.name,
      surnames: d.surnames,
      idType: d.idType,
      idNumber: d.idNumber,
      email: d.email,
      phone: d.phone,
      language: d.language,
      needs: {
        signLanguage: d.signLanguage,
        languageInterpreter: d.needsInterpreter && d.interpreterLanguage ? d.interpreterLanguage : null,
        other: d.hasOtherNeeds && d.otherNeeds ? d.otherNeeds : null,
      },
    },
    captcha,
  };
}

/** The check-your-answers page. */
export function CheckScene() {
  const { t } = useTranslation();
  const { procedureId = '' } = useParams();
  const navigate = useNavigate();
  const [booking, updateBooking] = useBooking();
  const [state, retry] = useProcedure(procedureId);
  const solver = useRef<CaptchaSolver | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [failure, setFailure] = useState<{ id: string; message: string } | null>(null);
  const [submits, setSubmits] = useState(0);
  usePageTitle(t('check.title'), failure !== null);

  useEffect(() => {
    const s = new CaptchaSolver();
    solver.current = s;
    s.start();
    return () => s.stop();
  }, []);

  const base = `/book/${encodeURIComponent(procedureId)}`;
  const { slot, details } = booking;
  if (booking.procedureId !== procedureId || !slot) return <Navigate to={`${base}/date`} replace />;
  if (!details || Object.keys(validateDetails(details)).length > 0) return <Navigate to={`${base}/details`} replace />;
  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  if (state.status === 'loading') return <Loading />;
  const procedure = state.data;

  const fail = (id: string, message: string) => {
    setFailure({ id, message });
    setSubmits((n) => n + 1);
    setPhase('idle');
  };

  const handleError = (error: unknown) => {
    if (error instanceof ApiError && error.id === 'validation_failed') {
      const { errors, other } = issuesToDetailsErrors(readIssues(error.details));
      if (Object.keys(errors).length > 0 && !other) {
        const routeState: DetailsLocationState = { serverErrors: errors };
        void navigate(`${base}/details`, { state: routeState });
        return;
      }
    }
    if (error instanceof ApiError && error.id === 'slot_taken') {
      updateBooking({ alternatives: readAlternatives(error.details) });
      void navigate(`${base}/taken`);
      return;
    }
    fail(error instanceof ApiError ? error.id : 'unexpected', problemMessage(error, t));
  };

  const book = async () => {
    const s = solver.current;
    if (phase !== 'idle' || !s) return;
    setFailure(null);
    // A rejected proof of work (e.g. expired while the page sat open) is renewed and retried once.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      setPhase(s.isReady ? 'sending' : 'checking');
      let captcha: CaptchaPayload;
      try {
        captcha = await s.get();
      } catch {
        s.renew();
        if (attempt === 0) continue;
        fail('captcha_failed', t('check.robotFailed'));
        return;
      }
      const body = requestBody(procedure.id, slot.startsAt, details, captcha);
      if (!body) return;
      setPhase('sending');
      try {
        const confirmation = await createAppointment(body);
        finishBooking(confirmation);
        void navigate('/book/done');
        return;
      } catch (error) {
        // A challenge is single-use: whatever happened, prepare a fresh one.
        s.renew();
        if (error instanceof ApiError && error.id === 'captcha_failed' && attempt === 0) continue;
        handleError(error);
        return;
      }
    }
  };

  const status = phase === 'checking' ? t('check.checkingRobot') : phase === 'sending' ? t('check.sending') : '';
  return (
    <>
      <BackLink to={`${base}/details`} />
      <ErrorSummary errors={failure ? [{ message: failure.message }] : []} focusKey={submits} />
      {failure && (failure.id === 'slot_unavailable' || failure.id === 'slot_taken') ? (
        <p className="body">
          <Link to={`${base}/date?return=check`}>{t('check.chooseAnotherTime')}</Link>
        </p>
      ) : null}
      <PageHeading caption={procedure.name}>{t('check.title')}</PageHeading>
      <AnswersSummary procedure={procedure} slot={slot} details={details} base={base} />
      <h2 className="heading-m">{t('check.submitHeading')}</h2>
      <p className="body">{t('check.declaration')}</p>
      <p className="body">
        <Link to="/privacy">{t('check.privacyLink')}</Link>
      </p>
      <p className="status-line" role="status" aria-live="polite">
        {status ? (
          <>
            <span className="spinner" aria-hidden="true" />
            {status}
          </>
        ) : null}
      </p>
      <button type="button" className="button" onClick={() => void book()} aria-disabled={phase !== 'idle'}>
        {t('check.submit')}
      </button>
    </>
  );
}
