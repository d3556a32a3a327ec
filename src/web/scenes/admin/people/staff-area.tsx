/**
 * Staff section of the administration console (`/staff/admin/staff/*`):
 * the team with roles, offices, status, second factor and last sign-in,
 * the pending invitations (send again, withdraw), the invitation form and
 * one page per member (role and offices, disable or enable, reset the
 * second factor).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useLocation } from 'react-router';
import { fetchStaffList, resendInvitation, revokeInvitation } from '../../../api/admin-people-api.ts';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem, problemMessage } from '../../../components/problem.tsx';
import { StaffSuccessBanner } from '../../../components/staff-banner.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import type { InvitationView, StaffListView } from '../../../../shared/admin-people.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { formatWhen, usePageMessages, type Notice } from './people-shared.tsx';
import { InviteScene } from './staff-invite.tsx';
import { MemberScene } from './staff-member.tsx';

/** Router state a page leaves for the list after a change. */
export interface StaffNoticeState {
  notice: Notice;
}

/** The section: list, invitation form and member pages. */
export function StaffAdminArea() {
  return (
    <Routes>
      <Route index element={<StaffListScene />} />
      <Route path="invite" element={<InviteScene />} />
      <Route path=":id" element={<MemberScene />} />
    </Routes>
  );
}

function Invitations({ invitations, onChanged }: { invitations: InvitationView[]; onChanged: (notice: Notice | null, error?: unknown) => void }) {
  const { t, i18n } = useTranslation();
  const { csrfToken } = useStaffSession();
  const organisation = useOrganisation();
  const [busy, setBusy] = useState(false);
  const act = async (run: () => Promise<unknown>, notice: Notice) => {
    if (busy) return;
    setBusy(true);
    try {
      await run();
      onChanged(notice);
    } catch (error) {
      onChanged(null, error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="invitations-heading">
      <h2 id="invitations-heading" className="heading-m">
        {t('adminPeople.staff.invitations.heading')}
      </h2>
      {invitations.length === 0 ? (
        <p className="body">{t('adminPeople.staff.invitations.none')}</p>
      ) : (
        <div className="staff-table-wrap" role="region" aria-labelledby="invitations-caption" tabIndex={0}>
          <table className="staff-table people-table">
            <caption id="invitations-caption" className="staff-table__caption visually-hidden">
              {t('adminPeople.staff.invitations.caption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('adminPeople.staff.columns.name')}</th>
                <th scope="col">{t('adminPeople.staff.columns.role')}</th>
                <th scope="col">{t('adminPeople.staff.invitations.expires')}</th>
                <th scope="col">{t('adminPeople.staff.columns.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {invitations.map((inv) => (
                <tr key={inv.id}>
                  <td>
                    <span className="people-table__name">{inv.displayName}</span>
                    <span className="people-table__email">{inv.email}</span>
                  </td>
                  <td>{t(`adminPeople.roles.${inv.role}`)}</td>
                  <td>
                    {inv.expired ? <strong className="tag tag--grey">{t('adminPeople.staff.invitations.expired')}</strong> : formatWhen(inv.expiresAt, i18n.language, organisation.timeZone)}
                  </td>
                  <td>
                    <div className="people-actions">
                      <button
                        type="button"
                        className="link-button"
                        aria-label={t('adminPeople.staff.invitations.resendLabel', { email: inv.email })}
                        aria-disabled={busy}
                        onClick={() =>
                          void act(() => resendInvitation(csrfToken, inv.id), {
                            message: t('adminPeople.staff.invitations.resent', { email: inv.email }),
                            detail: t('adminPeople.staff.invitations.resentDetail'),
                          })
                        }
                      >
                        {t('adminPeople.staff.invitations.resend')}
                      </button>
                      <button
                        type="button"
                        className="link-button"
                        aria-label={t('adminPeople.staff.invitations.revokeLabel', { email: inv.email })}
                        aria-disabled={busy}
                        onClick={() => void act(() => revokeInvitation(csrfToken, inv.id), { message: t('adminPeople.staff.invitations.revoked', { email: inv.email }) })}
                      >
                        {t('adminPeople.staff.invitations.revoke')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StaffTable({ view }: { view: StaffListView }) {
  const { t, i18n } = useTranslation();
  const session = useStaffSession();
  const organisation = useOrganisation();
  return (
    <div className="staff-table-wrap" role="region" aria-labelledby="staff-caption" tabIndex={0}>
      <table className="staff-table people-table">
        <caption id="staff-caption" className="staff-table__caption visually-hidden">
          {t('adminPeople.staff.tableCaption')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('adminPeople.staff.columns.name')}</th>
            <th scope="col">{t('adminPeople.staff.columns.role')}</th>
            <th scope="col">{t('adminPeople.staff.columns.offices')}</th>
            <th scope="col">{t('adminPeople.staff.columns.status')}</th>
            <th scope="col">{t('adminPeople.staff.columns.totp')}</th>
            <th scope="col">{t('adminPeople.staff.columns.lastSignIn')}</th>
            <th scope="col">{t('adminPeople.staff.columns.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {view.staff.map((member) => (
            <tr key={member.id}>
              <td>
                <span className="people-table__name">
                  {member.displayName} {member.id === session.staff.id ? t('adminPeople.staff.you') : null}
                </span>
                <span className="people-table__email">{member.email}</span>
              </td>
              <td>{t(`adminPeople.roles.${member.role}`)}</td>
              <td>{member.offices.length > 0 ? member.offices.map((o) => o.name).join(', ') : t('adminPeople.staff.noOffices')}</td>
              <td>
                <strong className={member.active ? 'tag tag--green' : 'tag tag--grey'}>{member.active ? t('adminPeople.staff.active') : t('adminPeople.staff.disabled')}</strong>
              </td>
              <td>{member.totpEnabled ? t('adminPeople.staff.totpOn') : t('adminPeople.staff.totpOff')}</td>
              <td>{formatWhen(member.lastSignInAt, i18n.language, organisation.timeZone) ?? t('adminPeople.staff.never')}</td>
              <td>
                <Link to={`/staff/admin/staff/${member.id}`}>
                  {t('adminPeople.staff.manage')}
                  <span className="visually-hidden"> {member.displayName}</span>
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The list page. */
function StaffListScene() {
  const { t } = useTranslation();
  const location = useLocation();
  const arrived = (location.state as StaffNoticeState | null)?.notice ?? null;
  const page = usePageMessages();
  const [state, retry] = useLoad((signal) => fetchStaffList(signal), []);
  useStaffPageTitle(t('adminPeople.staff.title'), page.problems.length > 0);
  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  const notice = page.notice ?? (page.problems.length === 0 ? arrived : null);
  return (
    <>
      {notice ? <StaffSuccessBanner message={notice.message} detail={notice.detail} /> : null}
      <ErrorSummary errors={page.problems} focusKey={page.submits} />
      <PageHeading>{t('adminPeople.staff.title')}</PageHeading>
      <p className="body">{t('adminPeople.staff.intro')}</p>
      <Link to="/staff/admin/staff/invite" className="button">
        {t('adminPeople.staff.invite')}
      </Link>
      {state.status === 'loading' ? (
        <p className="body" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          <StaffTable view={state.data} />
          <Invitations
            invitations={state.data.invitations}
            onChanged={(done, error) => {
              if (done) {
                page.done(done.message, done.detail);
                retry();
              } else page.fail([{ message: problemMessage(error, t) }]);
            }}
          />
        </>
      )}
    </>
  );
}
