/**
 * The procedure on the citizen's screen during the call: where the agent
 * is in the protocol, the data they record — shown live, field by field,
 * read-only, each change read out politely — and, when the agent has
 * registered the data, the button with which the citizen confirms them
 * (its exact text goes to the evidence) or the box for the one-time code
 * from their email. Once the receipt is issued, its number and the sealed
 * PDF to download at once.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PROTOCOL_STEPS, type CitizenProtocolView } from '../../../../shared/protocol.ts';
import { ApiError, detectBasePath, isAbort } from '../../../api/client.ts';
import { confirmProtocol, fetchCitizenProtocol, signProtocolWithCode } from '../../../api/protocol-api.ts';
import { TextField } from '../../../components/text-field.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import type { SignallingPort } from '../../../realtime/call-types.ts';
import { whenIdle } from '../../../hooks/when-idle.ts';

/** Props of {@link CallProtocol}. */
export interface CallProtocolProps {
  client: Pick<SignallingPort, 'on'>;
  csrfToken: string;
  onSessionExpired: () => void;
}

/** Whether the agent has begun the protocol (before that the panel stays out of the way). */
function started(view: CitizenProtocolView): boolean {
  return view.steps.some((s) => s.status !== 'pending') || view.form.sha256 !== null;
}

/** The labels of the fields whose shown value changed. */
function changedLabels(before: CitizenProtocolView | null, after: CitizenProtocolView): string[] {
  if (!before) return [];
  const old = new Map(before.form.fields.map((f) => [f.key, f.display]));
  return after.form.fields.filter((f) => (old.get(f.key) ?? '') !== f.display).map((f) => f.label);
}

/** The citizen's view of the protocol. */
export function CallProtocol({ client, csrfToken, onSessionExpired }: CallProtocolProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [view, setView] = useState<CitizenProtocolView | null>(null);
  const [announcement, setAnnouncement] = useState<{ n: number; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | undefined>(undefined);
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set());
  const shown = useRef<CitizenProtocolView | null>(null);

  const announce = useCallback((text: string) => setAnnouncement((previous) => ({ n: (previous?.n ?? 0) + 1, text })), []);

  const show = useCallback(
    (next: CitizenProtocolView) => {
      const before = shown.current;
      shown.current = next;
      setView(next);
      const labels = changedLabels(before, next);
      setChanged(new Set(next.form.fields.filter((f) => labels.includes(f.label)).map((f) => f.key)));
      if (before && labels.length > 0) announce(t('protocol.citizen.updated', { fields: labels.join(', ') }));
      if (before && !before.canConsent && next.canConsent) announce(t('protocol.citizen.confirmNow'));
      if (before && !before.otpPending && next.otpPending) announce(t('protocol.citizen.codeSent'));
      if (before && !before.entryNumber && next.entryNumber) announce(t('protocol.citizen.registered', { number: next.entryNumber }));
    },
    [announce, t],
  );

  const failed = useCallback(
    (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) {
        onSessionExpired();
        return;
      }
      setError(e instanceof ApiError && e.hasServerMessage ? e.message : t('protocol.citizen.failed'));
    },
    [onSessionExpired, t],
  );

  // Read once the page is idle, not while the call is starting; changes also arrive as `protocol` messages.
  useEffect(() => {
    const controller = new AbortController();
    const idle = whenIdle(() => {
      fetchCitizenProtocol(controller.signal).then(show, (e: unknown) => {
        if (!isAbort(e)) failed(e);
      });
    });
    return () => {
      idle();
      controller.abort();
    };
  }, [show, failed, language]);

  useEffect(() => client.on('protocol', (m) => show(m.protocol)), [client, show]);

  const confirm = async () => {
    if (!view?.form.sha256) return;
    setBusy(true);
    setError(null);
    try {
      show(await confirmProtocol(view.form.sha256, csrfToken));
      announce(t('protocol.citizen.confirmed'));
    } catch (e) {
      failed(e);
      if (e instanceof ApiError && e.status === 409) void fetchCitizenProtocol().then(show, () => undefined);
    } finally {
      setBusy(false);
    }
  };

  const sign = async () => {
    if (!view?.form.sha256) return;
    if (!/^\d{6}$/.test(code.trim())) {
      setCodeError(t('protocol.citizen.codeFormat'));
      return;
    }
    setCodeError(undefined);
    setBusy(true);
    setError(null);
    try {
      show(await signProtocolWithCode(code.trim(), view.form.sha256, csrfToken));
      setCode('');
      announce(t('protocol.citizen.signed'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onSessionExpired();
      else setCodeError(e instanceof ApiError && e.hasServerMessage ? e.message : t('protocol.citizen.failed'));
    } finally {
      setBusy(false);
    }
  };

  const live = (
    <div className="visually-hidden" aria-live="polite">
      {announcement ? <p key={announcement.n}>{announcement.text}</p> : null}
    </div>
  );
  if (!view || !started(view)) return live;

  const consent = view.steps.find((s) => s.step === 'consent');
  const position = view.current ? PROTOCOL_STEPS.indexOf(view.current) + 1 : null;
  const receiptHref = `${detectBasePath(window.location.pathname)}/api/citizen/appointment/receipt`;
  return (
    <section className="call-protocol" aria-labelledby="call-protocol-heading" data-testid="citizen-protocol">
      {live}
      <h2 className="heading-m" id="call-protocol-heading">
        {t('protocol.citizen.heading')}
      </h2>
      <p className="body">
        {view.current && position ? t('protocol.citizen.position', { n: position, total: PROTOCOL_STEPS.length, label: t(`protocol.citizen.steps.${view.current}`) }) : t('protocol.citizen.over')}
      </p>

      {view.form.sha256 !== null ? (
        <>
          <h3 className="heading-s">{t('protocol.citizen.dataHeading')}</h3>
          <p className="body">{t('protocol.citizen.dataHint')}</p>
          <dl className="summary-list call-protocol__data" data-testid="citizen-protocol-data">
            {view.form.fields.map((f) => (
              <div key={f.key} className={changed.has(f.key) ? 'summary-list__row call-protocol__row--changed' : 'summary-list__row'} data-field={f.key}>
                <dt className="summary-list__key">{f.label}</dt>
                <dd className="summary-list__value">{f.display || <span className="hint">{t('protocol.citizen.empty')}</span>}</dd>
              </div>
            ))}
          </dl>
          {view.form.readAloudAt ? <p className="body">{t('protocol.citizen.readAloud')}</p> : null}
        </>
      ) : null}

      {view.canConsent ? (
        <div className="call-protocol__consent">
          <p className="body">{t('protocol.citizen.consentHint')}</p>
          <button type="button" className="button" disabled={busy} onClick={() => void confirm()} data-testid="citizen-consent">
            {view.consentText}
          </button>
          {view.otpPending ? (
            <div className="call-protocol__otp">
              <h3 className="heading-s">{t('protocol.citizen.codeHeading')}</h3>
              <TextField
                id="protocol-code"
                name="code"
                label={t('protocol.citizen.codeLabel')}
                hint={t('protocol.citizen.codeHint')}
                value={code}
                onChange={setCode}
                error={codeError}
                inputMode="numeric"
                autoComplete="one-time-code"
                width="quarter"
                maxLength={6}
              />
              <button type="button" className="button button--secondary" disabled={busy} onClick={() => void sign()}>
                {t('protocol.citizen.codeButton')}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}

      {consent?.status === 'done' ? <p className="body">{t('protocol.citizen.consentDone')}</p> : null}

      {view.entryNumber ? (
        <div className="call-protocol__receipt" data-testid="citizen-protocol-receipt">
          <p className="body-l">{t('protocol.citizen.registered', { number: view.entryNumber })}</p>
          <p className="body">
            <a href={receiptHref} download className="button button--secondary">
              {t('protocol.citizen.download', { number: view.entryNumber })}
            </a>
          </p>
        </div>
      ) : null}

      {error ? (
        <p className="body call-protocol__error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
