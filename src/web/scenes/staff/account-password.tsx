/**
 * "Change your password": the current one, the new one twice. The server
 * ends every other session of the person when it changes (someone who knew
 * the old password is signed out), and the page says so.
 */
import type { TFunction } from 'i18next';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { changePassword } from '../../api/staff-api.ts';
import type { SummaryError } from '../../components/error-summary.tsx';
import { problemMessage } from '../../components/problem.tsx';
import { TextField } from '../../components/text-field.tsx';
import { readIssues } from '../citizen/details-validation.ts';
import type { AccountSectionProps } from './account-section.ts';
import { checkPasswordChange, STAFF_PASSWORD, type PasswordField, type PasswordProblem } from './account-rules.ts';

function problemText(problem: PasswordProblem, t: TFunction): string {
  switch (problem) {
    case 'currentRequired':
      return t('staff.account.password.errors.currentRequired');
    case 'newRequired':
      return t('staff.account.password.errors.newRequired');
    case 'tooShort':
      return t('staff.account.password.errors.tooShort', { min: STAFF_PASSWORD.min });
    case 'tooLong':
      return t('staff.account.password.errors.tooLong', { max: STAFF_PASSWORD.max });
    case 'sameAsCurrent':
      return t('staff.account.password.errors.sameAsCurrent');
    case 'confirmRequired':
      return t('staff.account.password.errors.confirmRequired');
    case 'mismatch':
      return t('staff.account.password.errors.mismatch');
  }
}

const FIELDS: readonly PasswordField[] = ['current-password', 'new-password', 'confirm-password'];

/** The server's refusal as problems for the summary: the field it is about when it says which. */
function serverProblems(error: unknown, t: TFunction): SummaryError[] {
  if (error instanceof ApiError && error.id === 'wrong_current_password') {
    return [{ message: t('staff.account.password.errors.wrongCurrent'), fieldId: 'current-password' }];
  }
  if (error instanceof ApiError && error.id === 'validation_failed') {
    const issues = readIssues(error.details).filter((issue) => issue.path === 'newPassword');
    if (issues.length > 0) {
      const tooShort = issues.some((issue) => issue.code === 'password_too_short');
      return [{ message: problemText(tooShort ? 'tooShort' : 'tooLong', t), fieldId: 'new-password' }];
    }
  }
  return [{ message: problemMessage(error, t) }];
}

/** The password section of the account page. */
export function PasswordSection({ csrfToken, errorOf, onStart, onDone, onError }: AccountSectionProps) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [sending, setSending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    onStart();
    const problems = checkPasswordChange({ current, next, confirm });
    const summary = FIELDS.flatMap((field) => {
      const problem = problems[field];
      return problem ? [{ message: problemText(problem, t), fieldId: field }] : [];
    });
    if (summary.length > 0) {
      onError(summary);
      return;
    }
    setSending(true);
    try {
      await changePassword(csrfToken, { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      onDone(t('staff.account.password.done'), t('staff.account.password.doneDetail'));
    } catch (error) {
      const found = serverProblems(error, t);
      if (found.some((p) => p.fieldId === 'current-password')) setCurrent('');
      onError(found);
    } finally {
      setSending(false);
    }
  };

  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading" className="heading-m">
        {t('staff.account.password.heading')}
      </h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          id="current-password"
          name="currentPassword"
          type="password"
          label={t('staff.account.password.current')}
          value={current}
          onChange={setCurrent}
          error={errorOf('current-password')}
          autoComplete="current-password"
          width="two-thirds"
        />
        <TextField
          id="new-password"
          name="newPassword"
          type="password"
          label={t('staff.account.password.new')}
          hint={t('staff.account.password.newHint', { min: STAFF_PASSWORD.min })}
          value={next}
          onChange={setNext}
          error={errorOf('new-password')}
          autoComplete="new-password"
          width="two-thirds"
        />
        <TextField
          id="confirm-password"
          name="confirmPassword"
          type="password"
          label={t('staff.account.password.confirm')}
          value={confirm}
          onChange={setConfirm}
          error={errorOf('confirm-password')}
          autoComplete="new-password"
          width="two-thirds"
        />
        <button type="submit" className="button" aria-disabled={sending}>
          {t('staff.account.password.submit')}
        </button>
      </form>
    </section>
  );
}
