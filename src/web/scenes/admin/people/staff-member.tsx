/**
 * One member of staff (`/staff/admin/staff/:id`): their facts, their role
 * and offices (saved together), and access — disable (every session ends
 * at once) or enable, and reset the second factor. The two destructive
 * actions ask first. Refusals (oneself, the last administrator) are the
 * server's, which says why.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { changeStaff, disableStaff, enableStaff, fetchStaffList, resetStaffTotp } from '../../../api/admin-people-api.ts';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem, problemMessage } from '../../../components/problem.tsx';
import { Radios } from '../../../components/radios.tsx';
import { StaffConfirm } from '../../../components/staff-confirm.tsx';
import { StaffSuccessBanner } from '../../../components/staff-banner.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { STAFF_ROLE_VALUES, type OfficeView, type StaffMemberView, type StaffRoleValue } from '../../../../shared/admin-people.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { formatWhen, usePageMessages } from './people-shared.tsx';

type Confirming = 'disable' | 'reset' | null;

/** The member's page. */
export function MemberScene() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [state, retry] = useLoad((signal) => fetchStaffList(signal), [id]);
  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  if (state.status === 'loading')
    return (
      <p className="body" role="status">
        {t('common.loading')}
      </p>
    );
  const member = state.data.staff.find((s) => s.id === id);
  if (!member) return <MemberNotFound />;
  return <Member key={member.id} initial={member} offices={state.data.offices} />;
}

function MemberNotFound() {
  const { t } = useTranslation();
  useStaffPageTitle(t('adminPeople.staff.member.notFound'));
  return (
    <>
      <PageHeading>{t('adminPeople.staff.member.notFound')}</PageHeading>
      <Link to="/staff/admin/staff">{t('adminPeople.staff.member.back')}</Link>
    </>
  );
}

function Member({ initial, offices }: { initial: StaffMemberView; offices: OfficeView[] }) {
  const { t, i18n } = useTranslation();
  const { csrfToken } = useStaffSession();
  const organisation = useOrganisation();
  const page = usePageMessages();
  const [member, setMember] = useState(initial);
  const [role, setRole] = useState<StaffRoleValue>(member.role);
  const [officeIds, setOfficeIds] = useState<string[]>(member.offices.map((o) => o.id));
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [busy, setBusy] = useState(false);
  const disableButton = useRef<HTMLButtonElement>(null);
  const resetButton = useRef<HTMLButtonElement>(null);
  const [refocus, setRefocus] = useState<Confirming>(null);
  useStaffPageTitle(member.displayName, page.problems.length > 0);
  useEffect(() => {
    if (refocus === 'disable') disableButton.current?.focus();
    if (refocus === 'reset') resetButton.current?.focus();
  }, [refocus]);
  const name = member.displayName;

  const run = async (action: () => Promise<string | [string, string]>) => {
    if (busy) return;
    setBusy(true);
    page.start();
    try {
      const message = await action();
      setConfirming(null);
      // Shown as it is now (the page stays, with its banner).
      const fresh = (await fetchStaffList()).staff.find((s) => s.id === member.id);
      if (fresh) setMember(fresh);
      if (Array.isArray(message)) page.done(message[0], message[1]);
      else page.done(message);
    } catch (error) {
      setConfirming(null);
      page.fail([{ message: problemMessage(error, t) }]);
    } finally {
      setBusy(false);
    }
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await changeStaff(csrfToken, member.id, { role, officeIds });
      return t('adminPeople.staff.member.saved', { name });
    });
  };

  const cancel = (which: Confirming) => {
    setConfirming(null);
    setRefocus(which);
  };

  return (
    <>
      {page.notice ? <StaffSuccessBanner message={page.notice.message} detail={page.notice.detail} /> : null}
      <ErrorSummary errors={page.problems} focusKey={page.submits} />
      <Link to="/staff/admin/staff" className="people-back">
        {t('adminPeople.staff.member.back')}
      </Link>
      <PageHeading caption={t(`adminPeople.roles.${member.role}`)}>{name}</PageHeading>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt className="summary-list__key">{t('adminPeople.staff.member.email')}</dt>
          <dd className="summary-list__value">{member.email}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t('adminPeople.staff.member.status')}</dt>
          <dd className="summary-list__value">{member.active ? t('adminPeople.staff.active') : t('adminPeople.staff.disabled')}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t('adminPeople.staff.member.totp')}</dt>
          <dd className="summary-list__value">{member.totpEnabled ? t('adminPeople.staff.totpOn') : t('adminPeople.staff.totpOff')}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t('adminPeople.staff.member.lastSignIn')}</dt>
          <dd className="summary-list__value">{formatWhen(member.lastSignInAt, i18n.language, organisation.timeZone) ?? t('adminPeople.staff.never')}</dd>
        </div>
      </dl>

      <section aria-labelledby="member-change-heading">
        <h2 id="member-change-heading" className="heading-m">
          {t('adminPeople.staff.member.changeHeading')}
        </h2>
        <form onSubmit={save} noValidate>
          <Radios
            id="member-role"
            name="role"
            legend={t('adminPeople.staff.inviteForm.role')}
            value={role}
            onChange={(v) => setRole(v as StaffRoleValue)}
            options={STAFF_ROLE_VALUES.map((r) => ({ value: r, label: t(`adminPeople.roles.${r}`) }))}
          />
          {offices.length > 0 ? (
            <Checkboxes
              id="member-offices"
              legend={t('adminPeople.staff.inviteForm.offices')}
              hint={t('adminPeople.staff.inviteForm.officesHint')}
              items={offices.map((o, i) => ({
                id: i === 0 ? 'member-offices' : `member-offices-${i + 1}`,
                name: 'officeIds',
                label: o.name,
                checked: officeIds.includes(o.id),
                onChange: (checked: boolean) => setOfficeIds((ids) => (checked ? [...ids, o.id] : ids.filter((x) => x !== o.id))),
              }))}
            />
          ) : null}
          <button type="submit" className="button" aria-disabled={busy}>
            {t('adminPeople.staff.member.save')}
          </button>
        </form>
      </section>

      <section aria-labelledby="member-access-heading">
        <h2 id="member-access-heading" className="heading-m">
          {t('adminPeople.staff.member.accessHeading')}
        </h2>
        {member.active ? (
          confirming === 'disable' ? (
            <ConfirmBox
              id="disable-confirm"
              title={t('adminPeople.staff.member.disableTitle', { name })}
              body={t('adminPeople.staff.member.disableBody')}
              confirm={t('adminPeople.staff.member.disableConfirm')}
              cancel={t('adminPeople.staff.member.cancel')}
              busy={busy}
              onConfirm={() =>
                void run(async () => {
                  const { endedSessions } = await disableStaff(csrfToken, member.id);
                  return [t('adminPeople.staff.member.disabled', { name }), t('adminPeople.staff.member.disabledDetail', { count: endedSessions })];
                })
              }
              onCancel={() => cancel('disable')}
            />
          ) : (
            <button ref={disableButton} type="button" className="button button--warning" onClick={() => setConfirming('disable')}>
              {t('adminPeople.staff.member.disable')}
            </button>
          )
        ) : (
          <button
            type="button"
            className="button button--secondary"
            aria-disabled={busy}
            onClick={() =>
              void run(async () => {
                await enableStaff(csrfToken, member.id);
                return t('adminPeople.staff.member.enabled', { name });
              })
            }
          >
            {t('adminPeople.staff.member.enable')}
          </button>
        )}
        {member.totpEnabled ? (
          confirming === 'reset' ? (
            <ConfirmBox
              id="reset-confirm"
              title={t('adminPeople.staff.member.resetTitle', { name })}
              body={t('adminPeople.staff.member.resetBody')}
              confirm={t('adminPeople.staff.member.resetConfirm')}
              cancel={t('adminPeople.staff.member.cancel')}
              busy={busy}
              onConfirm={() =>
                void run(async () => {
                  await resetStaffTotp(csrfToken, member.id);
                  return t('adminPeople.staff.member.resetDone', { name });
                })
              }
              onCancel={() => cancel('reset')}
            />
          ) : (
            <>
              <p className="body" id="reset-totp-hint">
                {t('adminPeople.staff.member.resetTotpHint')}
              </p>
              <button ref={resetButton} type="button" className="button button--secondary" aria-describedby="reset-totp-hint" onClick={() => setConfirming('reset')}>
                {t('adminPeople.staff.member.resetTotp')}
              </button>
            </>
          )
        ) : null}
      </section>
    </>
  );
}

/** A confirmation in place: what will happen, the action (a warning button) and a way back. */
function ConfirmBox(props: { id: string; title: string; body: string; confirm: string; cancel: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <StaffConfirm id={props.id} title={props.title}>
      <p className="body">{props.body}</p>
      <div className="button-group">
        <button type="button" className="button button--warning" aria-disabled={props.busy} onClick={props.onConfirm}>
          {props.confirm}
        </button>
        <button type="button" className="button button--secondary" onClick={props.onCancel}>
          {props.cancel}
        </button>
      </div>
    </StaffConfirm>
  );
}
