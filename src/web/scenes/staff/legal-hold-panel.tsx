/**
 * The legal hold on the staff appointment page (supervisors and
 * administrators): whether one stands — since when, by whom and why — and,
 * behind a confirmation, placing one (with its reason) or releasing it.
 * While a hold stands, retention purges nothing of the appointment. What
 * happened is said in a polite live region; a refused reason is said at the
 * field.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LEGAL_HOLD_LIMITS } from '../../../shared/legal-holds.ts';
import { ApiError } from '../../api/client.ts';
import { fetchAppointmentHolds, placeLegalHold, releaseLegalHold, type LegalHoldView } from '../../api/legal-holds-api.ts';
import { problemMessage } from '../../components/problem.tsx';
import { StaffConfirm } from '../../components/staff-confirm.tsx';
import { TextArea } from '../../components/text-field.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { formatInstantDate, formatInstantTime } from '../../i18n/format.ts';
import { readIssues } from '../citizen/details-validation.ts';

const REASON_ID = 'legal-hold-reason';

/** The reason's problem in words, or undefined when it is acceptable. */
export function reasonProblem(reason: string): 'reason_required' | 'reason_too_short' | 'reason_too_long' | undefined {
  const trimmed = reason.trim();
  if (trimmed === '') return 'reason_required';
  if (trimmed.length < LEGAL_HOLD_LIMITS.reasonMin) return 'reason_too_short';
  if (trimmed.length > LEGAL_HOLD_LIMITS.reasonMax) return 'reason_too_long';
  return undefined;
}

/** Props of {@link LegalHoldPanel}. */
export interface LegalHoldPanelProps {
  appointmentId: string;
  csrfToken: string;
  timeZone: string;
  /** Called after a hold was placed or released (the page reloads its history). */
  onChange: () => void;
}

/** The panel. */
export function LegalHoldPanel({ appointmentId, csrfToken, timeZone, onChange }: LegalHoldPanelProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [version, setVersion] = useState(0);
  const [state] = useLoad((signal) => fetchAppointmentHolds(appointmentId, signal), [appointmentId, version, language]);
  const [mode, setMode] = useState<'idle' | 'placing' | 'releasing'>('idle');
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // After the box closes, focus goes back to the panel's button (the opener, or the one that replaced it).
  const opener = useRef<HTMLButtonElement>(null);
  const [refocus, setRefocus] = useState(0);
  useEffect(() => {
    if (refocus > 0) opener.current?.focus();
  }, [refocus]);
  const close = () => {
    setMode('idle');
    setRefocus((n) => n + 1);
  };

  const holds = state.status === 'ready' ? state.data : [];
  const active = holds.find((h) => h.active) ?? null;
  const at = (iso: string) => t('retention.hold.at', { date: formatInstantDate(iso, timeZone, language), time: formatInstantTime(iso, timeZone, language) });
  const who = (h: LegalHoldView['placedBy']) => h.displayName ?? t('staff.history.actors.staff');
  const limits = { min: LEGAL_HOLD_LIMITS.reasonMin, max: LEGAL_HOLD_LIMITS.reasonMax };

  const finish = (text: string) => {
    close();
    setReason('');
    setFieldError(undefined);
    setStatus({ error: false, text });
    setVersion((n) => n + 1);
    onChange();
  };

  const place = async () => {
    if (busy) return;
    const problem = reasonProblem(reason);
    if (problem) {
      setFieldError(t(`retention.errors.${problem}`, limits));
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      await placeLegalHold(csrfToken, appointmentId, reason.trim());
      finish(t('retention.hold.placed'));
    } catch (error) {
      const issue = error instanceof ApiError ? readIssues(error.details).find((i) => i.path === 'reason') : undefined;
      if (issue) setFieldError(t(`retention.errors.${issue.code}`, { ...limits, defaultValue: problemMessage(error, t) }));
      else setStatus({ error: true, text: problemMessage(error, t) });
    } finally {
      setBusy(false);
    }
  };

  const release = async () => {
    if (busy || !active) return;
    setBusy(true);
    setStatus(null);
    try {
      await releaseLegalHold(csrfToken, appointmentId, active.id);
      finish(t('retention.hold.released'));
    } catch (error) {
      setStatus({ error: true, text: problemMessage(error, t) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="legal-hold-heading" className="legal-hold">
      <h2 id="legal-hold-heading" className="heading-m">
        {t('retention.hold.heading')}
      </h2>
      {state.status === 'error' ? <p className="body">{problemMessage(state.error, t)}</p> : null}
      {state.status === 'ready' ? (
        active ? (
          <>
            <p className="body">
              <strong>{t('retention.hold.active')}</strong> {t('retention.hold.since', { when: at(active.placedAt), name: who(active.placedBy) })}
            </p>
            <p className="body">
              {t('retention.hold.reasonLabel')}: <span className="break-word">{active.reason}</span>
            </p>
          </>
        ) : (
          <p className="body">{t('retention.hold.none')}</p>
        )
      ) : null}

      {mode === 'placing' ? (
        <StaffConfirm id="legal-hold-place-heading" title={t('retention.hold.placeHeading')}>
          <p className="body">{t('retention.hold.placeIntro')}</p>
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              void place();
            }}
          >
            <TextArea
              id={REASON_ID}
              name="reason"
              label={t('retention.hold.reasonLabel')}
              hint={t('retention.hold.reasonHint', limits)}
              value={reason}
              error={fieldError}
              rows={3}
              onChange={(value) => {
                setReason(value);
                setFieldError(undefined);
              }}
            />
            <div className="button-group">
              <button type="submit" className="button button--warning" aria-disabled={busy}>
                {t('retention.hold.placeConfirm')}
              </button>
              <button type="button" className="button button--secondary" onClick={close}>
                {t('retention.hold.cancel')}
              </button>
            </div>
          </form>
        </StaffConfirm>
      ) : null}

      {mode === 'releasing' && active ? (
        <StaffConfirm id="legal-hold-release-heading" title={t('retention.hold.releaseHeading')}>
          <p className="body">{t('retention.hold.releaseIntro')}</p>
          <div className="button-group">
            <button type="button" className="button button--warning" aria-disabled={busy} onClick={() => void release()}>
              {t('retention.hold.releaseConfirm')}
            </button>
            <button type="button" className="button button--secondary" onClick={close}>
              {t('retention.hold.cancel')}
            </button>
          </div>
        </StaffConfirm>
      ) : null}

      {mode === 'idle' && state.status === 'ready' ? (
        active ? (
          <button ref={opener} type="button" className="button button--secondary" onClick={() => setMode('releasing')}>
            {t('retention.hold.release')}
          </button>
        ) : (
          <button ref={opener} type="button" className="button button--secondary" onClick={() => setMode('placing')}>
            {t('retention.hold.place')}
          </button>
        )
      ) : null}
      <p className={status?.error ? 'body error-message' : 'body'} role="status" aria-live="polite">
        {status?.text ?? ''}
      </p>
    </section>
  );
}
