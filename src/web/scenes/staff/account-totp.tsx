/**
 * The second step of signing in: an authenticator app on the person's phone.
 * Setting it up shows the new setup key (a link that phones open in their
 * app, and the key in blocks of four to type in by hand), then asks for a
 * code from the app to prove it works. Turning it off asks for the password.
 * After either change the session is read again, so the page shows the new state.
 */
import { useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { beginTotp, confirmTotp, disableTotp, refreshMe, type StaffSession, type TotpEnrolment } from '../../api/staff-api.ts';
import { problemMessage } from '../../components/problem.tsx';
import { StaffConfirm } from '../../components/staff-confirm.tsx';
import { TextField } from '../../components/text-field.tsx';
import type { AccountSectionProps } from './account-section.ts';
import { normaliseTotpCode, secretBlocks } from './account-rules.ts';

/** Props of {@link TotpSection}. */
export interface TotpSectionProps extends AccountSectionProps {
  enabled: boolean;
  /** Stores the session read again after a change. */
  onSession: (session: StaffSession) => void;
}

type Mode = 'idle' | 'setup' | 'disable';

/** The setup key for typing in by hand, one block of four at a time. */
function SecretKey({ secret }: { secret: string }) {
  return (
    <p className="body">
      <code className="staff-secret">{secretBlocks(secret).join(' ')}</code>
    </p>
  );
}

/** The authenticator app section of the account page. */
export function TotpSection({ enabled, csrfToken, errorOf, onStart, onDone, onError, onSession }: TotpSectionProps) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>('idle');
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const setupButton = useRef<HTMLButtonElement>(null);
  const disableButton = useRef<HTMLButtonElement>(null);

  const run = async (work: () => Promise<void>, explain: (error: unknown) => void) => {
    if (busy) return;
    setBusy(true);
    onStart();
    try {
      await work();
    } catch (error) {
      explain(error);
    } finally {
      setBusy(false);
    }
  };

  /** Reads the session again; the state shown follows it even when the change itself failed. */
  const refresh = async () => onSession(await refreshMe());

  const close = (opener: RefObject<HTMLButtonElement | null>) => {
    setMode('idle');
    setEnrolment(null);
    setCode('');
    setPassword('');
    onStart();
    // The opener is rendered again in place of the box: give it focus once it is back.
    window.setTimeout(() => opener.current?.focus(), 0);
  };

  const start = () =>
    run(
      async () => {
        setEnrolment(await beginTotp(csrfToken));
        setCode('');
        setMode('setup');
      },
      (error) => {
        if (error instanceof ApiError && error.id === 'totp_already_enabled') void refresh().catch(() => undefined);
        onError([{ message: problemMessage(error, t) }]);
      },
    );

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    const digits = normaliseTotpCode(code);
    if (!digits) {
      onStart();
      const message = code.trim() === '' ? t('staff.account.totp.errors.codeRequired') : t('staff.account.totp.errors.codeFormat');
      onError([{ message, fieldId: 'totp-code' }]);
      return;
    }
    void run(
      async () => {
        await confirmTotp(csrfToken, digits);
        setMode('idle');
        setEnrolment(null);
        setCode('');
        await refresh();
        onDone(t('staff.account.totp.enabledDone'), t('staff.account.totp.enabledDoneDetail'));
      },
      (error) => {
        if (error instanceof ApiError && error.id === 'invalid_totp') {
          setCode('');
          onError([{ message: t('staff.account.totp.errors.codeWrong'), fieldId: 'totp-code' }]);
          return;
        }
        if (error instanceof ApiError && error.id === 'totp_already_enabled') {
          setMode('idle');
          void refresh().catch(() => undefined);
        }
        onError([{ message: problemMessage(error, t) }]);
      },
    );
  };

  const disable = (event: FormEvent) => {
    event.preventDefault();
    if (password.length === 0) {
      onStart();
      onError([{ message: t('staff.account.totp.errors.passwordRequired'), fieldId: 'totp-password' }]);
      return;
    }
    void run(
      async () => {
        await disableTotp(csrfToken, password);
        setMode('idle');
        setPassword('');
        await refresh();
        onDone(t('staff.account.totp.disabledDone'), t('staff.account.totp.disabledDoneDetail'));
      },
      (error) => {
        setPassword('');
        if (error instanceof ApiError && error.id === 'wrong_current_password') {
          onError([{ message: t('staff.account.totp.errors.passwordWrong'), fieldId: 'totp-password' }]);
          return;
        }
        onError([{ message: problemMessage(error, t) }]);
      },
    );
  };

  return (
    <section aria-labelledby="totp-heading">
      <h2 id="totp-heading" className="heading-m">
        {t('staff.account.totp.heading')}
      </h2>
      <p className="body">{enabled ? t('staff.account.totp.onIntro') : t('staff.account.totp.offIntro')}</p>

      {!enabled && mode === 'setup' && enrolment ? (
        <StaffConfirm id="totp-setup-title" title={t('staff.account.totp.setupTitle')}>
          <ol className="list list--number">
            <li>{t('staff.account.totp.stepOpen')}</li>
            <li>
              <p className="body">
                {t('staff.account.totp.stepAddPhone')}{' '}
                <a href={enrolment.uri} className="break-word">
                  {t('staff.account.totp.uriLink')}
                </a>
              </p>
              <p className="body">{t('staff.account.totp.stepAddManual')}</p>
              <SecretKey secret={enrolment.secret} />
            </li>
            <li>{t('staff.account.totp.stepCode')}</li>
          </ol>
          <form onSubmit={confirm} noValidate>
            <TextField
              id="totp-code"
              name="code"
              label={t('staff.account.totp.code')}
              hint={t('staff.login.codeHint')}
              value={code}
              onChange={setCode}
              error={errorOf('totp-code')}
              autoComplete="one-time-code"
              inputMode="numeric"
              spellCheck={false}
              maxLength={7}
              width="quarter"
            />
            <div className="button-group">
              <button type="submit" className="button" aria-disabled={busy}>
                {t('staff.account.totp.confirm')}
              </button>
              <button type="button" className="button button--secondary" onClick={() => close(setupButton)}>
                {t('staff.account.cancel')}
              </button>
            </div>
          </form>
        </StaffConfirm>
      ) : null}

      {enabled && mode === 'disable' ? (
        <StaffConfirm id="totp-disable-title" title={t('staff.account.totp.disableTitle')}>
          <p className="body">{t('staff.account.totp.disableText')}</p>
          <form onSubmit={disable} noValidate>
            <TextField
              id="totp-password"
              name="password"
              type="password"
              label={t('staff.account.totp.password')}
              value={password}
              onChange={setPassword}
              error={errorOf('totp-password')}
              autoComplete="current-password"
              width="two-thirds"
            />
            <div className="button-group">
              <button type="submit" className="button button--warning" aria-disabled={busy}>
                {t('staff.account.totp.disableConfirm')}
              </button>
              <button type="button" className="button button--secondary" onClick={() => close(disableButton)}>
                {t('staff.account.cancel')}
              </button>
            </div>
          </form>
        </StaffConfirm>
      ) : null}

      {!enabled && mode !== 'setup' ? (
        <button ref={setupButton} type="button" className="button button--secondary" aria-disabled={busy} onClick={() => void start()}>
          {t('staff.account.totp.setUp')}
        </button>
      ) : null}
      {enabled && mode !== 'disable' ? (
        <button ref={disableButton} type="button" className="button button--secondary" onClick={() => setMode('disable')}>
          {t('staff.account.totp.turnOff')}
        </button>
      ) : null}
    </section>
  );
}
