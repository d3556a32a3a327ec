/**
 * The guided legal protocol on the agent's call page: the six steps in
 * order, where each stands (done, skipped with its reason, pending), and
 * the current one with what to say and do, its action, and a way to skip it
 * with a written reason. The citizen's confirmation arrives from their own
 * screen: the server tells this page (`protocol_changed`) and the panel
 * reads the protocol again. Every change is announced in a polite live
 * region; every refusal shows the server's message in the agent's language.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PROTOCOL_LIMITS, PROTOCOL_STEPS, type ProtocolStep, type ProtocolView, type StepView } from '../../../../shared/protocol.ts';
import { ApiError, isAbort } from '../../../api/client.ts';
import { completeProtocolStep, fetchProtocol, markProtocolReadAloud, sendProtocolOtp, skipProtocolStep, type FormInput } from '../../../api/protocol-api.ts';
import { fetchSnapshots } from '../../../api/snapshots-api.ts';
import { Tag } from '../../../components/content.tsx';
import { TextArea, TextField } from '../../../components/text-field.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { whenIdle } from '../../../hooks/when-idle.ts';
import { formatInstantTime } from '../../../i18n/format.ts';
import type { SignallingClient } from '../../../realtime/signalling-client.ts';
import { ProtocolForm } from './protocol-form.tsx';
import { fieldErrors } from './protocol-values.ts';
import { useOnWelcome } from './use-queue.ts';

/** Props of {@link ProtocolPanel}. */
export interface ProtocolPanelProps {
  appointmentId: string;
  csrfToken: string;
  timeZone: string;
  client: SignallingClient | null;
  /** Whether the call is on (the steps can only be taken during it). */
  inCall: boolean;
}

type Feedback = { kind: 'ok' | 'error'; text: string; n: number } | null;

/** The message of a refused request: the server's, translated, or a general one. */
function messageOf(error: unknown, fallback: string): string {
  return error instanceof ApiError && error.hasServerMessage ? error.message : fallback;
}

/** A step's status as a tag. */
function StatusTag({ step }: { step: StepView }) {
  const { t } = useTranslation();
  const colour = step.status === 'done' ? 'green' : step.status === 'skipped' ? 'yellow' : 'grey';
  return <Tag colour={colour}>{t(`protocol.status.${step.status}`)}</Tag>;
}

/** Skipping the current step, with its reason. */
function SkipStep({ step, busy, onSkip }: { step: ProtocolStep; busy: boolean; onSkip: (reason: string) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <details className="details protocol-skip">
      <summary className="details__summary">{t('protocol.skip.summary')}</summary>
      <div className="details__text">
        <TextArea
          id={`protocol-skip-${step}`}
          name="reason"
          label={t('protocol.skip.label')}
          hint={t('protocol.skip.hint', { min: PROTOCOL_LIMITS.skipReasonMin })}
          value={reason}
          onChange={setReason}
          error={error}
          rows={3}
          maxLength={PROTOCOL_LIMITS.skipReasonMax}
        />
        <button
          type="button"
          className="button button--warning"
          disabled={busy}
          onClick={() => {
            if (reason.trim().length < PROTOCOL_LIMITS.skipReasonMin) {
              setError(t('protocol.skip.tooShort', { min: PROTOCOL_LIMITS.skipReasonMin }));
              return;
            }
            setError(undefined);
            void onSkip(reason.trim()).then((ok) => ok && setReason(''));
          }}
        >
          {t('protocol.skip.button')}
        </button>
      </div>
    </details>
  );
}

/** The guided protocol. */
export function ProtocolPanel({ appointmentId, csrfToken, timeZone, client, inCall }: ProtocolPanelProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [view, setView] = useState<ProtocolView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [idNumber, setIdNumber] = useState('');
  const [idError, setIdError] = useState<string | undefined>(undefined);
  const [formErrors, setFormErrors] = useState<Record<string, string>>({});
  const readForm = useRef<() => FormInput>(() => ({}));
  const bindForm = useCallback((read: () => FormInput) => {
    readForm.current = read;
  }, []);

  const say = useCallback((kind: 'ok' | 'error', text: string) => setFeedback((previous) => ({ kind, text, n: (previous?.n ?? 0) + 1 })), []);

  const load = useCallback(
    (signal?: AbortSignal) =>
      fetchProtocol(appointmentId, signal).then(
        (v) => {
          setView(v);
          setLoadError(null);
        },
        (error: unknown) => {
          if (!isAbort(error)) setLoadError(messageOf(error, t('protocol.loadFailed')));
        },
      ),
    [appointmentId, t],
  );

  // Read once the page is idle: the panel must not compete with the call's own start (bench/connect).
  useEffect(() => {
    const controller = new AbortController();
    const idle = whenIdle(() => void load(controller.signal));
    return () => {
      idle();
      controller.abort();
    };
  }, [load, language]);

  // The citizen confirmed, signed, or another tab took a step: read it again. After a reconnection too (not the first welcome).
  useEffect(() => client?.on('protocol_changed', (m) => m.appointmentId === appointmentId && void load()), [client, appointmentId, load]);
  const welcomed = useRef(false);
  useOnWelcome(client, () => {
    if (welcomed.current) void load();
    welcomed.current = true;
  });

  const previousCurrent = useRef<ProtocolStep | null | undefined>(undefined);
  useEffect(() => {
    if (!view) return;
    if (previousCurrent.current !== undefined && previousCurrent.current !== view.current && previousCurrent.current === 'consent') {
      const consent = view.steps.find((s) => s.step === 'consent');
      if (consent?.status === 'done') say('ok', t('protocol.consent.given'));
    }
    previousCurrent.current = view.current;
  }, [view, say, t]);

  /** Runs one action; true when it was accepted. */
  const act = async (action: () => Promise<ProtocolView>, done: string): Promise<boolean> => {
    setBusy(true);
    try {
      setView(await action());
      say('ok', done);
      return true;
    } catch (error) {
      say('error', messageOf(error, t('protocol.failed')));
      // What is on screen may be stale (another tab, the citizen): show what the server holds.
      if (error instanceof ApiError && error.status === 409) void load();
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (loadError && !view) {
    return (
      <section className="protocol-panel" aria-labelledby="protocol-heading">
        <h2 className="heading-m" id="protocol-heading">
          {t('protocol.heading')}
        </h2>
        <p className="body" role="alert">
          {loadError}
        </p>
        <button type="button" className="button button--secondary" onClick={() => void load()}>
          {t('protocol.retry')}
        </button>
      </section>
    );
  }
  if (!view) return null;

  const current = view.current;
  const stepOf = (step: ProtocolStep) => view.steps.find((s) => s.step === step);
  const receipt = stepOf('receipt');
  const label = (step: ProtocolStep) => t(`protocol.steps.${step}.label`);
  const timeOf = (at: string | null) => (at ? formatInstantTime(at, timeZone, language) : '');
  const skip = (step: ProtocolStep) => (reason: string) => act(() => skipProtocolStep(appointmentId, step, reason, csrfToken), t('protocol.skip.done', { step: label(step) }));
  const complete = (step: ProtocolStep, body: object = {}) => act(() => completeProtocolStep(appointmentId, step, body, csrfToken), t('protocol.stepDone', { step: label(step) }));

  const identify = async () => {
    if (idNumber.trim() === '') {
      setIdError(t('protocol.identification.required'));
      return;
    }
    setIdError(undefined);
    setBusy(true);
    try {
      // The snapshots taken so far go with the step (they are in the history all the same if the list cannot be read).
      const snapshotIds = await fetchSnapshots(appointmentId).then(
        (list) => list.map((s) => s.id).slice(-PROTOCOL_LIMITS.snapshotsMax),
        () => [],
      );
      setView(await completeProtocolStep(appointmentId, 'identification', { idNumber: idNumber.trim(), snapshotIds }, csrfToken));
      say('ok', t('protocol.stepDone', { step: label('identification') }));
    } catch (error) {
      const text = messageOf(error, t('protocol.failed'));
      setIdError(text);
      say('error', text);
    } finally {
      setBusy(false);
    }
  };

  const register = async () => {
    setFormErrors({});
    setBusy(true);
    try {
      setView(await completeProtocolStep(appointmentId, 'registry_data', { data: readForm.current() }, csrfToken));
      say('ok', t('protocol.stepDone', { step: label('registry_data') }));
    } catch (error) {
      if (error instanceof ApiError && error.id === 'validation_failed') setFormErrors(fieldErrors(error.details));
      say('error', messageOf(error, t('protocol.failed')));
    } finally {
      setBusy(false);
    }
  };

  let action: ReactNode = null;
  switch (current) {
    case 'recording_notice':
      action = (
        <button type="button" className="button" disabled={busy || !inCall} onClick={() => void complete('recording_notice')}>
          {t('protocol.steps.recording_notice.action')}
        </button>
      );
      break;
    case 'identification':
      action = (
        <>
          <TextField
            id="protocol-id-number"
            name="idNumber"
            label={t('protocol.identification.label')}
            hint={t('protocol.identification.hint')}
            value={idNumber}
            onChange={setIdNumber}
            error={idError}
            width="half"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={PROTOCOL_LIMITS.idNumberMax}
          />
          <button type="button" className="button" disabled={busy || !inCall} onClick={() => void identify()}>
            {t('protocol.steps.identification.action')}
          </button>
        </>
      );
      break;
    case 'documents':
      action = (
        <button type="button" className="button" disabled={busy || !inCall} onClick={() => void complete('documents')}>
          {t('protocol.steps.documents.action')}
        </button>
      );
      break;
    case 'registry_data':
      action = (
        <>
          <ProtocolForm appointmentId={appointmentId} csrfToken={csrfToken} form={view.form} onSaved={setView} bind={bindForm} errors={formErrors} />
          <div className="button-group">
            <button
              type="button"
              className="button button--secondary"
              disabled={busy || !inCall || view.form.sha256 === null}
              onClick={() => void act(() => markProtocolReadAloud(appointmentId, csrfToken), t('protocol.form.readAloudDone'))}
            >
              {t('protocol.form.readAloud')}
            </button>
            <button type="button" className="button" disabled={busy || !inCall} onClick={() => void register()}>
              {t('protocol.steps.registry_data.action')}
            </button>
          </div>
        </>
      );
      break;
    case 'consent':
      action = (
        <>
          <p className="body" data-testid="protocol-waiting-consent">
            {t('protocol.consent.waiting')}
          </p>
          {view.form.readAloudAt === null ? (
            <button type="button" className="button button--secondary" disabled={busy || !inCall} onClick={() => void act(() => markProtocolReadAloud(appointmentId, csrfToken), t('protocol.form.readAloudDone'))}>
              {t('protocol.form.readAloud')}
            </button>
          ) : null}
          <h4 className="heading-s">{t('protocol.consent.otpHeading')}</h4>
          <p className="body">{view.otpPending ? t('protocol.consent.otpPending') : t('protocol.consent.otpHint')}</p>
          <button type="button" className="button button--secondary" disabled={busy || !inCall} onClick={() => void act(() => sendProtocolOtp(appointmentId, csrfToken), t('protocol.consent.otpSent'))}>
            {view.otpPending ? t('protocol.consent.otpResend') : t('protocol.consent.otpSend')}
          </button>
        </>
      );
      break;
    case 'receipt':
      action = (
        <button type="button" className="button" disabled={busy} onClick={() => void complete('receipt')}>
          {t('protocol.steps.receipt.action')}
        </button>
      );
      break;
    default:
      break;
  }

  const entry = receipt?.status === 'done' ? (receipt.data as { entryNumber?: string; csv?: string }) : null;
  return (
    <section className="protocol-panel" aria-labelledby="protocol-heading" data-testid="protocol-panel">
      <h2 className="heading-m" id="protocol-heading">
        {t('protocol.heading')}
      </h2>
      <ol className="protocol-steps">
        {view.steps.map((step, i) => (
          <li key={step.step} className="protocol-steps__item" data-step={step.step} data-status={step.status} aria-current={step.step === current ? 'step' : undefined}>
            <span className="protocol-steps__label">{t('protocol.stepNumber', { n: i + 1, label: label(step.step) })}</span> <StatusTag step={step} />
            {step.at ? <span className="protocol-steps__time"> {timeOf(step.at)}</span> : null}
            {step.status === 'skipped' && step.reason ? <p className="body protocol-steps__reason">{t('protocol.skip.reason', { reason: step.reason })}</p> : null}
          </li>
        ))}
      </ol>

      {current ? (
        <div className="protocol-current">
          <h3 className="heading-s">{t('protocol.current', { n: PROTOCOL_STEPS.indexOf(current) + 1, label: label(current) })}</h3>
          <p className="body">{current === 'recording_notice' && view?.recordingNotice ? view.recordingNotice : t(`protocol.steps.${current}.say`)}</p>
          {!inCall && current !== 'receipt' ? <p className="body">{t('protocol.needsCall')}</p> : null}
          {action}
          <SkipStep key={current} step={current} busy={busy} onSkip={skip(current)} />
        </div>
      ) : (
        <div className="protocol-current" data-testid="protocol-complete">
          <h3 className="heading-s">{t('protocol.complete')}</h3>
          {entry?.entryNumber ? <p className="body">{t('protocol.registered', { number: entry.entryNumber, csv: entry.csv ?? '' })}</p> : <p className="body">{t('protocol.completeWithoutReceipt')}</p>}
        </div>
      )}
      <div className={feedback?.kind === 'error' ? 'protocol-feedback protocol-feedback--error' : 'protocol-feedback'} role="status">
        {feedback ? (
          <p key={feedback.n} className="body">
            {feedback.text}
          </p>
        ) : null}
      </div>
    </section>
  );
}
