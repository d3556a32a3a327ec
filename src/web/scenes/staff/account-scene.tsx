/**
 * "My account" (`/staff/account`): the signed-in person changes their
 * password, sets up or turns off the authenticator app, and can sign out on
 * every device at once. One error summary and one success banner serve the
 * whole page; each section reports to them.
 */
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorSummary, type SummaryError } from '../../components/error-summary.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { problemMessage } from '../../components/problem.tsx';
import { StaffSuccessBanner } from '../../components/staff-banner.tsx';
import { PasswordSection } from './account-password.tsx';
import type { AccountSectionProps } from './account-section.ts';
import { TotpSection } from './account-totp.tsx';
import { useStaffArea, useStaffPageTitle, useStaffSession } from './staff-session.ts';

interface Notice {
  message: string;
  detail?: string | undefined;
}

/** "Sign out on every device": this one included, so the sign-in page follows. */
function SessionsSection({ onStart, onError }: Pick<AccountSectionProps, 'onStart' | 'onError'>) {
  const { t } = useTranslation();
  const { signOutEverywhere } = useStaffArea();
  const [busy, setBusy] = useState(false);
  const leave = async () => {
    if (busy) return;
    setBusy(true);
    onStart();
    try {
      // On success the staff area forgets the session and shows the sign-in page, which confirms it.
      await signOutEverywhere();
    } catch (error) {
      onError([{ message: problemMessage(error, t) }]);
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading" className="heading-m">
        {t('staff.account.sessions.heading')}
      </h2>
      <p className="body">{t('staff.account.sessions.intro')}</p>
      <button type="button" className="button button--warning" aria-disabled={busy} onClick={() => void leave()}>
        {t('staff.account.sessions.button')}
      </button>
    </section>
  );
}

/** The account page. */
export function AccountScene() {
  const { t } = useTranslation();
  const session = useStaffSession();
  const { setSession } = useStaffArea();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [problems, setProblems] = useState<SummaryError[]>([]);
  const [submits, setSubmits] = useState(0);
  useStaffPageTitle(t('staff.account.title'), problems.length > 0);

  const onStart = useCallback(() => {
    setNotice(null);
    setProblems([]);
  }, []);
  const onDone = useCallback((message: string, detail?: string) => {
    setProblems([]);
    setNotice({ message, detail });
  }, []);
  const onError = useCallback((found: SummaryError[]) => {
    setNotice(null);
    setProblems(found);
    setSubmits((n) => n + 1);
  }, []);
  const errorOf = (fieldId: string) => problems.find((p) => p.fieldId === fieldId)?.message;
  const section: AccountSectionProps = { csrfToken: session.csrfToken, errorOf, onStart, onDone, onError };

  return (
    <>
      {notice ? <StaffSuccessBanner message={notice.message} detail={notice.detail} /> : null}
      <ErrorSummary errors={problems} focusKey={submits} />
      <PageHeading caption={session.staff.email}>{t('staff.account.title')}</PageHeading>
      <p className="body">{t('staff.account.intro')}</p>
      {session.staff.hasPassword ? (
        <>
          <PasswordSection {...section} />
          <TotpSection {...section} enabled={session.staff.totpEnabled} onSession={setSession} />
        </>
      ) : (
        <p className="body">{t('staff.account.managedByIdp')}</p>
      )}
      <SessionsSection onStart={onStart} onError={onError} />
    </>
  );
}
