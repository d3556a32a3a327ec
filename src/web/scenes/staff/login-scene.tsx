/**
 * Staff sign-in. First the email address and password; when the account has
 * an authenticator app the server answers `totp_required` and a second step
 * asks for its 6-digit code, then sends all three again. Wrong answers say
 * how many attempts remain; a locked account says until when. When the
 * organisation has an identity provider, a link signs in through it instead;
 * its failures come back here as `?error=oidc_failed` or `oidc_no_account`.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { fetchOidcAvailability, oidcStartHref, signIn } from '../../api/staff-api.ts';
import { InsetText } from '../../components/content.tsx';
import { ErrorSummary, type SummaryError } from '../../components/error-summary.tsx';
import { focusPageHeadingSoon, PageHeading } from '../../components/page-heading.tsx';
import { problemMessage } from '../../components/problem.tsx';
import { TextField } from '../../components/text-field.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { useOrganisation } from '../../hooks/use-organisation.ts';
import { formatInstantDate, formatInstantTime } from '../../i18n/format.ts';
import { safeNext, useStaffArea, useStaffPageTitle, type SignedOutState } from './staff-session.ts';

type Step = 'password' | 'code';
type Field = 'email' | 'password' | 'totp';
type FieldErrors = Partial<Record<Field, string>>;

const CODE = /^\d{6}$/;

function isSignedOutState(value: unknown): value is SignedOutState {
  return typeof value === 'object' && value !== null && 'signedOut' in value && value.signedOut === true;
}

/** How many sessions "Sign out on every device" ended, or null after an ordinary sign-out. */
function endedSessions(state: SignedOutState): number | null {
  return typeof state.endedSessions === 'number' ? state.endedSessions : null;
}

/** The sign-in page. */
export function LoginScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { timeZone } = useOrganisation();
  const navigate = useNavigate();
  const location = useLocation();
  const [search] = useSearchParams();
  const { session, setSession } = useStaffArea();
  const [step, setStep] = useState<Step>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [submits, setSubmits] = useState(0);
  const [sending, setSending] = useState(false);
  // The identity provider's failure, as the server's callback reported it; gone once the person tries again.
  const [oidcError, setOidcError] = useState(() => search.get('error'));
  const [oidc] = useLoad((signal) => fetchOidcAvailability(signal), []);
  const oidcEnabled = oidc.status === 'ready' && oidc.data.enabled;
  const hasErrors = general !== null || oidcError !== null || Object.keys(fieldErrors).length > 0;
  useStaffPageTitle(step === 'code' ? t('staff.login.codeTitle') : t('staff.login.title'), hasErrors);
  const next = safeNext(search.get('next'));
  const signedOut = isSignedOutState(location.state) && !hasErrors ? location.state : null;
  const firstStep = useRef(true);

  // Each step is a page of its own: move focus to its heading, as after a navigation.
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    // A locked account sends the person back to the first step with an error summary, which takes focus instead.
    if (!hasErrors) focusPageHeadingSoon();
  }, [step]);

  if (session) return <Navigate to={next} replace />;

  const fail = (errors: FieldErrors, message: string | null = null) => {
    setOidcError(null);
    setFieldErrors(errors);
    setGeneral(message);
    setSubmits((n) => n + 1);
  };

  const explain = (error: unknown) => {
    if (error instanceof ApiError && error.id === 'totp_required') {
      setStep('code');
      setOidcError(null);
      setFieldErrors({});
      setGeneral(null);
      return;
    }
    if (error instanceof ApiError && error.id === 'invalid_credentials') {
      const remaining = typeof error.details.remaining === 'number' ? error.details.remaining : null;
      const field: Field = step === 'code' ? 'totp' : 'password';
      const key = step === 'code' ? 'staff.login.errors.wrongCode' : 'staff.login.errors.invalid';
      const message =
        remaining === null
          ? t(step === 'code' ? 'staff.login.errors.wrongCodeNoCount' : 'staff.login.errors.invalidNoCount')
          : t(key, { remaining });
      if (step === 'code') setTotp('');
      else setPassword('');
      fail({ [field]: message });
      return;
    }
    if (error instanceof ApiError && error.id === 'access_locked') {
      const until = typeof error.details.until === 'string' && !Number.isNaN(Date.parse(error.details.until)) ? error.details.until : null;
      setStep('password');
      setPassword('');
      setTotp('');
      fail(
        {},
        until
          ? t('staff.login.errors.locked', {
              date: formatInstantDate(until, timeZone, language),
              time: formatInstantTime(until, timeZone, language),
            })
          : problemMessage(error, t),
      );
      return;
    }
    fail({}, problemMessage(error, t));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    const errors: FieldErrors = {};
    if (step === 'password') {
      if (email.trim().length === 0) errors.email = t('staff.login.errors.emailRequired');
      if (password.length === 0) errors.password = t('staff.login.errors.passwordRequired');
    } else if (!CODE.test(totp.replace(/\s/g, ''))) {
      errors.totp = totp.trim().length === 0 ? t('staff.login.errors.codeRequired') : t('staff.login.errors.codeFormat');
    }
    if (Object.keys(errors).length > 0) {
      fail(errors);
      return;
    }
    setSending(true);
    try {
      const credentials = { email: email.trim(), password, ...(step === 'code' ? { totp: totp.replace(/\s/g, '') } : {}) };
      const s = await signIn(credentials);
      setSession(s);
      void navigate(next, { replace: true });
    } catch (error) {
      explain(error);
    } finally {
      setSending(false);
    }
  };

  const summary: SummaryError[] = [
    // Any other id the callback might report is still a sign-in that the identity provider could not complete.
    ...(oidcError === 'oidc_no_account' ? [{ message: t('staff.login.errors.oidcNoAccount') }] : []),
    ...(oidcError !== null && oidcError !== 'oidc_no_account' ? [{ message: t('staff.login.errors.oidcFailed') }] : []),
    ...(general ? [{ message: general }] : []),
    ...(['email', 'password', 'totp'] as const).flatMap((field) => {
      const message = fieldErrors[field];
      return message ? [{ message, fieldId: field }] : [];
    }),
  ];

  return (
    <>
      <ErrorSummary errors={summary} focusKey={submits} />
      {signedOut ? (
        <div className="staff-notice" role="status">
          <p className="body">
            {endedSessions(signedOut) === null
              ? t('staff.login.signedOut')
              : t('staff.login.signedOutEverywhere', { count: endedSessions(signedOut) })}
          </p>
        </div>
      ) : null}
      {step === 'password' ? (
        <>
          <PageHeading caption={t('staff.serviceName')}>{t('staff.login.title')}</PageHeading>
          <form onSubmit={(e) => void submit(e)} noValidate>
            <TextField
              id="email"
              name="email"
              type="email"
              label={t('staff.login.email')}
              value={email}
              onChange={setEmail}
              error={fieldErrors.email}
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              width="two-thirds"
            />
            <TextField
              id="password"
              name="password"
              type="password"
              label={t('staff.login.password')}
              value={password}
              onChange={setPassword}
              error={fieldErrors.password}
              autoComplete="current-password"
              width="two-thirds"
            />
            <button type="submit" className="button" aria-disabled={sending}>
              {t('staff.login.submit')}
            </button>
          </form>
          {oidcEnabled ? (
            <div>
              <p className="body">{t('staff.login.oidcIntro')}</p>
              {/* A full page load, not a route: the server answers with a redirect to the identity provider. */}
              <a href={oidcStartHref()} className="button button--secondary">
                {t('staff.login.oidc')}
              </a>
            </div>
          ) : null}
          <InsetText>
            <p className="body">{t('staff.login.help')}</p>
          </InsetText>
        </>
      ) : (
        <>
          <PageHeading caption={email.trim()}>{t('staff.login.codeTitle')}</PageHeading>
          <p className="body">{t('staff.login.codeIntro')}</p>
          <form onSubmit={(e) => void submit(e)} noValidate>
            <TextField
              id="totp"
              name="totp"
              label={t('staff.login.code')}
              hint={t('staff.login.codeHint')}
              value={totp}
              onChange={setTotp}
              error={fieldErrors.totp}
              autoComplete="one-time-code"
              inputMode="numeric"
              spellCheck={false}
              maxLength={7}
              width="quarter"
            />
            <div className="button-group">
              <button type="submit" className="button" aria-disabled={sending}>
                {t('staff.login.submit')}
              </button>
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  setStep('password');
                  setPassword('');
                  setTotp('');
                  setFieldErrors({});
                  setGeneral(null);
                }}
              >
                {t('staff.login.startAgain')}
              </button>
            </div>
          </form>
        </>
      )}
    </>
  );
}
