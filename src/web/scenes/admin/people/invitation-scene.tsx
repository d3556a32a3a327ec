/**
 * The invitation page (`/staff/invitation/:token`), outside the signed-in
 * area: the invitee sees who invited them and as what, chooses a password
 * (the staff password rules) and is signed in, landing on their agenda. A
 * link that does not work (unknown, expired, withdrawn, used) says why.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { acceptInvitation, lookupInvitation } from '../../../api/admin-people-api.ts';
import { ApiError } from '../../../api/client.ts';
import { ErrorSummary, type SummaryError } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { STAFF_PASSWORD } from '../../staff/account-rules.ts';
import { useStaffArea, useStaffPageTitle } from '../../staff/staff-session.ts';

/** The page. */
export function InvitationScene() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { setSession } = useStaffArea();
  const [state] = useLoad((signal) => lookupInvitation(token, signal), [token]);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<SummaryError[]>([]);
  const [submits, setSubmits] = useState(0);
  const [sending, setSending] = useState(false);
  const invalid = state.status === 'error';
  useStaffPageTitle(invalid ? t('adminPeople.invitation.invalidTitle') : t('adminPeople.invitation.title'), problems.length > 0);

  if (state.status === 'loading')
    return (
      <p className="body" role="status">
        {t('adminPeople.invitation.loading')}
      </p>
    );
  if (state.status === 'error')
    return (
      <>
        <PageHeading>{t('adminPeople.invitation.invalidTitle')}</PageHeading>
        <p className="body">{problemMessage(state.error, t)}</p>
        <Link to="/staff/login">{t('adminPeople.invitation.toSignIn')}</Link>
      </>
    );

  const fail = (found: SummaryError[]) => {
    setProblems(found);
    setSubmits((n) => n + 1);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    const found: SummaryError[] = [];
    const length = [...password].length;
    if (length === 0) found.push({ message: t('adminPeople.invitation.errors.passwordRequired'), fieldId: 'invitation-password' });
    else if (length < STAFF_PASSWORD.min) found.push({ message: t('adminPeople.invitation.errors.tooShort', { min: STAFF_PASSWORD.min }), fieldId: 'invitation-password' });
    else if (password.length > STAFF_PASSWORD.max) found.push({ message: t('adminPeople.invitation.errors.tooLong', { max: STAFF_PASSWORD.max }), fieldId: 'invitation-password' });
    if (confirm.length === 0) found.push({ message: t('adminPeople.invitation.errors.confirmRequired'), fieldId: 'invitation-confirm' });
    else if (password.length > 0 && confirm !== password) found.push({ message: t('adminPeople.invitation.errors.mismatch'), fieldId: 'invitation-confirm' });
    if (found.length > 0) return fail(found);
    setSending(true);
    setProblems([]);
    try {
      const session = await acceptInvitation(token, password);
      setSession(session);
      void navigate('/staff', { replace: true });
    } catch (error) {
      const onPassword = error instanceof ApiError && error.id === 'validation_failed';
      fail([{ message: onPassword ? t('adminPeople.invitation.errors.tooShort', { min: STAFF_PASSWORD.min }) : problemMessage(error, t), fieldId: onPassword ? 'invitation-password' : undefined }]);
      setSending(false);
    }
  };

  const invitation = state.data;
  return (
    <>
      <ErrorSummary errors={problems} focusKey={submits} />
      <PageHeading caption={invitation.organisation}>{t('adminPeople.invitation.title')}</PageHeading>
      <p className="body">{t('adminPeople.invitation.intro', { organisation: invitation.organisation, role: t(`adminPeople.roles.${invitation.role}`).toLowerCase() })}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {/* The account's user name, for password managers to save with the new password. */}
        <div className="form-group">
          <label htmlFor="invitation-email" className="label">
            {t('adminPeople.invitation.email')}
          </label>
          <input id="invitation-email" name="email" type="email" className="input input--two-thirds" value={invitation.email} readOnly autoComplete="username" />
        </div>
        <TextField
          id="invitation-password"
          name="password"
          type="password"
          label={t('adminPeople.invitation.password')}
          hint={t('adminPeople.invitation.passwordHint', { min: STAFF_PASSWORD.min })}
          value={password}
          onChange={setPassword}
          error={problems.find((p) => p.fieldId === 'invitation-password')?.message}
          autoComplete="new-password"
          width="two-thirds"
        />
        <TextField
          id="invitation-confirm"
          name="confirm"
          type="password"
          label={t('adminPeople.invitation.confirm')}
          value={confirm}
          onChange={setConfirm}
          error={problems.find((p) => p.fieldId === 'invitation-confirm')?.message}
          autoComplete="new-password"
          width="two-thirds"
        />
        <button type="submit" className="button" aria-disabled={sending}>
          {t('adminPeople.invitation.submit')}
        </button>
      </form>
    </>
  );
}
