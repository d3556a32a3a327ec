/**
 * "Invite a colleague" (`/staff/admin/staff/invite`): email, name, role and
 * offices. The server sends the email with a single-use link; the list
 * page then confirms it.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { fetchStaffList, inviteStaff } from '../../../api/admin-people-api.ts';
import { ApiError } from '../../../api/client.ts';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { Radios } from '../../../components/radios.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { ADMIN_PEOPLE_LIMITS, STAFF_ROLE_VALUES, type StaffRoleValue } from '../../../../shared/admin-people.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { refusalProblems, usePageMessages } from './people-shared.tsx';
import type { StaffNoticeState } from './staff-area.tsx';

const FIELDS: Record<string, string> = { email: 'invite-email', displayName: 'invite-name', role: 'invite-role', officeIds: 'invite-offices' };

/** The invitation form. */
export function InviteScene() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { csrfToken } = useStaffSession();
  const page = usePageMessages();
  const [offices] = useLoad(async (signal) => (await fetchStaffList(signal)).offices, []);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRoleValue | ''>('');
  const [officeIds, setOfficeIds] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  useStaffPageTitle(t('adminPeople.staff.inviteForm.title'), page.problems.length > 0);
  if (offices.status === 'error') return <LoadProblem error={offices.error} />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    page.start();
    setSending(true);
    try {
      const invitation = await inviteStaff(csrfToken, { email, displayName: name, role: role as StaffRoleValue, officeIds });
      const state: StaffNoticeState = {
        notice: {
          message: t('adminPeople.staff.inviteForm.sent', { email: invitation.email }),
          detail: t('adminPeople.staff.inviteForm.sentDetail', { hours: ADMIN_PEOPLE_LIMITS.invitationValidHours }),
        },
      };
      void navigate('/staff/admin/staff', { state });
    } catch (error) {
      if (error instanceof ApiError && (error.id === 'email_in_use' || error.id === 'invitation_pending')) {
        page.fail([{ message: error.message, fieldId: 'invite-email' }]);
      } else {
        page.fail(
          refusalProblems(
            error,
            t,
            (path) => FIELDS[path.split('.')[0] ?? ''] ?? null,
            (path) => t(`adminPeople.staff.errors.${path.split('.')[0] ?? ''}`, { defaultValue: t('adminPeople.organisation.errors.invalid') }),
          ),
        );
      }
      setSending(false);
    }
  };

  return (
    <>
      <ErrorSummary errors={page.problems} focusKey={page.submits} />
      <PageHeading>{t('adminPeople.staff.inviteForm.title')}</PageHeading>
      <p className="body">{t('adminPeople.staff.inviteForm.intro', { hours: ADMIN_PEOPLE_LIMITS.invitationValidHours })}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          id="invite-email"
          name="email"
          type="email"
          label={t('adminPeople.staff.inviteForm.email')}
          value={email}
          onChange={setEmail}
          error={page.errorOf('invite-email')}
          autoComplete="off"
          spellCheck={false}
          width="two-thirds"
        />
        <TextField id="invite-name" name="displayName" label={t('adminPeople.staff.inviteForm.name')} value={name} onChange={setName} error={page.errorOf('invite-name')} autoComplete="off" width="two-thirds" />
        <Radios
          id="invite-role"
          name="role"
          legend={t('adminPeople.staff.inviteForm.role')}
          value={role}
          onChange={(v) => setRole(v as StaffRoleValue)}
          error={page.errorOf('invite-role')}
          options={STAFF_ROLE_VALUES.map((r) => ({ value: r, label: t(`adminPeople.roles.${r}`), hint: t(`adminPeople.staff.inviteForm.roleHints.${r}`) }))}
        />
        {offices.status === 'ready' && offices.data.length > 0 ? (
          <Checkboxes
            id="invite-offices"
            legend={t('adminPeople.staff.inviteForm.offices')}
            hint={t('adminPeople.staff.inviteForm.officesHint')}
            error={page.errorOf('invite-offices')}
            items={offices.data.map((o, i) => ({
              id: i === 0 ? 'invite-offices' : `invite-offices-${i + 1}`,
              name: 'officeIds',
              label: o.name,
              checked: officeIds.includes(o.id),
              onChange: (checked: boolean) => setOfficeIds((ids) => (checked ? [...ids, o.id] : ids.filter((x) => x !== o.id))),
            }))}
          />
        ) : offices.status === 'ready' ? (
          <p className="body">{t('adminPeople.staff.inviteForm.noOffices')}</p>
        ) : null}
        <div className="button-group">
          <button type="submit" className="button" aria-disabled={sending}>
            {t('adminPeople.staff.inviteForm.submit')}
          </button>
          <Link to="/staff/admin/staff" className="people-cancel">
            {t('adminPeople.staff.inviteForm.cancel')}
          </Link>
        </div>
      </form>
    </>
  );
}
