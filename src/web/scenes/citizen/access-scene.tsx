/**
 * "Enter the password from your email": signs in with the personal link's
 * token and the password sent separately. Wrong passwords show how many
 * attempts remain; a locked link says until when.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { logIn } from '../../api/citizen-api.ts';
import { ApiError } from '../../api/client.ts';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { problemMessage } from '../../components/problem.tsx';
import { TextField } from '../../components/text-field.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { useOrganisation } from '../../hooks/use-organisation.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { formatInstantDate, formatInstantTime } from '../../i18n/format.ts';
import { useCitizenArea } from './citizen-area.tsx';

/** Where to go after signing in, following `?action=` from the email's links. */
function target(base: string, action: string | null): string {
  if (action === 'cancel') return `${base}/cancel`;
  if (action === 'change') return `${base}/change`;
  return `${base}/appointment`;
}

/** The instant a locked link opens again: `details.until` (ISO), or `untilIso` when `until` is already formatted. */
function lockedUntil(details: Record<string, unknown>): string | null {
  for (const value of [details.untilIso, details.until]) {
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value)) && value.includes('T')) return value;
  }
  return null;
}

/** The password page. */
export function AccessScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { timeZone } = useOrganisation();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const { token, session, setSession, base } = useCitizenArea();
  const [password, setPassword] = useState('');
  const [visible, setVisible] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [submits, setSubmits] = useState(0);
  const [sending, setSending] = useState(false);
  usePageTitle(t('access.title'), Boolean(error));
  const next = target(base, search.get('action'));

  if (session) return <Navigate to={next} replace />;

  const explain = (e: unknown): string => {
    if (e instanceof ApiError && e.id === 'invalid_credentials' && typeof e.details.remaining === 'number') {
      return t('access.errors.invalid', { remaining: e.details.remaining });
    }
    if (e instanceof ApiError && e.id === 'access_locked') {
      const until = lockedUntil(e.details);
      if (until) {
        return t('access.errors.locked', {
          date: formatInstantDate(until, timeZone, language),
          time: formatInstantTime(until, timeZone, language),
        });
      }
    }
    return problemMessage(e, t);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    if (password.trim().length === 0) {
      setError(t('access.errors.required'));
      setSubmits((n) => n + 1);
      return;
    }
    setSending(true);
    try {
      const s = await logIn(token, password.trim());
      setSession(s);
      void navigate(next, { replace: true });
    } catch (e) {
      setError(explain(e));
      setSubmits((n) => n + 1);
      setPassword('');
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <ErrorSummary errors={error ? [{ message: error, fieldId: 'password' }] : []} focusKey={submits} />
      <PageHeading>{t('access.title')}</PageHeading>
      <p className="body">{t('access.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          id="password"
          name="password"
          type={visible ? 'text' : 'password'}
          label={t('access.passwordLabel')}
          hint={t('access.passwordHint')}
          value={password}
          onChange={(v) => {
            setPassword(v);
          }}
          error={error}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          width="two-thirds"
          after={
            <button
              type="button"
              className="button button--secondary button--inline"
              aria-controls="password"
              aria-pressed={visible}
              onClick={() => setVisible((v) => !v)}
            >
              {t('access.showPassword')}
            </button>
          }
        />
        <button type="submit" className="button" aria-disabled={sending}>
          {t('access.submit')}
        </button>
      </form>
      <h2 className="heading-s">{t('access.helpHeading')}</h2>
      <p className="body">{t('access.help')}</p>
    </>
  );
}
