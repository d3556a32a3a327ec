/**
 * The agent's interpreter panel (on the call page and the appointment page):
 * invite an interpreter, get the link once — with a copy button and, when an
 * address was given, the agent's own email program opened with it — and see
 * each invitation's state, withdrawing a link or removing an interpreter
 * from the call. On the call page it refreshes when an interpreter joins or
 * leaves; the call itself announces them.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreatedInvitationView, InvitationRequest, StaffInvitationView } from '../../../../shared/interpreters.ts';
import { createInvitation, fetchInvitations, revokeInvitation } from '../../../api/interpreter-api.ts';
import { Tag } from '../../../components/content.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import type { SignallingPort } from '../../../realtime/call-types.ts';
import { InviteForm } from './invite-form.tsx';

/** Props of {@link InterpreterPanel}. */
export interface InterpreterPanelProps {
  appointmentId: string;
  /** When the appointment starts (for the email the agent may send). */
  startsAt: string;
  csrfToken: string;
  /** The call page's signalling, to refresh when an interpreter joins or leaves. */
  client?: SignallingPort | null;
  /** Told after every change (the appointment page reloads its history). */
  onChange?: () => void;
}

const STATUS_COLOURS = { pending: 'blue', opened: 'green', revoked: 'grey', expired: 'grey' } as const;

/** The link just created, shown once, with ways to pass it on. */
function CreatedLink({ created, startsAt }: { created: CreatedInvitationView; startsAt: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const organisation = useOrganisation();
  const [copied, setCopied] = useState<{ n: number; text: string } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const { timeZone } = organisation;
  useEffect(() => box.current?.focus(), [created]);
  const expires = created.invitation.expiresAt;
  const copy = async () => {
    let text = t('interpreter.invite.copied');
    try {
      await navigator.clipboard.writeText(created.link);
    } catch {
      text = t('interpreter.invite.copyFailed');
      document.getElementById('interpreter-link')?.focus();
    }
    setCopied((previous) => ({ n: (previous?.n ?? 0) + 1, text }));
  };
  const { email } = created.invitation;
  const mail = {
    subject: t('interpreter.invite.mailSubject', { organisation: organisation.name }),
    body: t('interpreter.invite.mailBody', {
      organisation: organisation.name,
      date: formatInstantDate(startsAt, timeZone, language),
      time: formatInstantTime(startsAt, timeZone, language),
      link: created.link,
    }),
  };
  return (
    <div ref={box} className="interpreter-link" tabIndex={-1} role="region" aria-labelledby="interpreter-link-heading">
      <h3 id="interpreter-link-heading" className="heading-s">
        {t('interpreter.invite.linkHeading')}
      </h3>
      <p className="hint" id="interpreter-link-hint">
        {t('interpreter.invite.linkHint', { date: formatInstantDate(expires, timeZone, language), time: formatInstantTime(expires, timeZone, language) })}
      </p>
      <div className="form-group">
        <label className="label" htmlFor="interpreter-link">
          {t('interpreter.invite.linkLabel')}
        </label>
        <input
          id="interpreter-link"
          className="input interpreter-link__value"
          readOnly
          value={created.link}
          aria-describedby="interpreter-link-hint"
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
      </div>
      <div className="interpreter-link__actions">
        <button type="button" className="button button--secondary button--inline" onClick={() => void copy()}>
          {t('interpreter.invite.copy')}
        </button>
        {email ? (
          <a href={`mailto:${encodeURI(email)}?subject=${encodeURIComponent(mail.subject)}&body=${encodeURIComponent(mail.body)}`}>
            {t('interpreter.invite.emailLink', { email })}
          </a>
        ) : null}
      </div>
      <div role="status">
        {copied ? (
          <p key={copied.n} className="body interpreter-link__status">
            {copied.text}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** One invitation in the list. */
function InvitationItem({ invitation, onRevoke }: { invitation: StaffInvitationView; onRevoke: (invitation: StaffInvitationView) => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { timeZone } = useOrganisation();
  const who = invitation.name ?? t('interpreter.invite.unnamed');
  const open = invitation.status === 'pending' || invitation.status === 'opened';
  return (
    <li className="interpreter-list__item">
      <p className="body interpreter-list__who">
        <strong>{who}</strong> <span>{t('interpreter.invite.kindWithLanguage', { kind: invitation.kind, language: invitation.language ?? '' })}</span>
      </p>
      <p className="body interpreter-list__state">
        <Tag colour={STATUS_COLOURS[invitation.status]}>{t('interpreter.invite.status', { status: invitation.status })}</Tag>{' '}
        {open ? (
          <span>
            {t('interpreter.invite.expires', {
              date: formatInstantDate(invitation.expiresAt, timeZone, language),
              time: formatInstantTime(invitation.expiresAt, timeZone, language),
            })}
          </span>
        ) : null}
      </p>
      {open ? (
        <button type="button" className="button button--warning button--inline" onClick={() => onRevoke(invitation)}>
          {invitation.status === 'opened' ? t('interpreter.invite.remove') : t('interpreter.invite.revoke')}
          <span className="visually-hidden"> ({who})</span>
        </button>
      ) : null}
    </li>
  );
}

/** The panel. */
export function InterpreterPanel({ appointmentId, startsAt, csrfToken, client, onChange }: InterpreterPanelProps) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(0);
  const [state, retry] = useLoad((signal) => fetchInvitations(appointmentId, signal), [appointmentId, version]);
  const [created, setCreated] = useState<CreatedInvitationView | null>(null);
  const [notice, setNotice] = useState<{ n: number; text: string } | null>(null);
  const say = (text: string) => setNotice((previous) => ({ n: (previous?.n ?? 0) + 1, text }));

  // An interpreter arriving or leaving changes their invitation's state ("opened").
  useEffect(() => {
    if (!client) return;
    const refresh = () => setVersion((n) => n + 1);
    const offs = [
      client.on('peer_joined', (m) => {
        if (m.appointmentId === appointmentId && m.role === 'interpreter') refresh();
      }),
      client.on('peer_left', (m) => {
        if (m.appointmentId === appointmentId) refresh();
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client, appointmentId]);

  const invite = async (request: InvitationRequest) => {
    const made = await createInvitation(csrfToken, appointmentId, request);
    setCreated(made);
    setVersion((n) => n + 1);
    onChange?.();
  };

  const revoke = (invitation: StaffInvitationView) => {
    revokeInvitation(csrfToken, appointmentId, invitation.id).then(
      () => {
        if (created?.invitation.id === invitation.id) setCreated(null);
        say(invitation.status === 'opened' ? t('interpreter.invite.removed') : t('interpreter.invite.revoked'));
        setVersion((n) => n + 1);
        onChange?.();
      },
      (error: unknown) => say(problemMessage(error, t)),
    );
  };

  const invitations = state.status === 'ready' ? state.data.invitations : [];
  return (
    <section className="interpreter-panel" aria-labelledby="interpreter-panel-heading">
      <h2 id="interpreter-panel-heading" className="heading-m">
        {t('interpreter.invite.heading')}
      </h2>
      <p className="body">{t('interpreter.invite.intro')}</p>
      {created ? <CreatedLink created={created} startsAt={startsAt} /> : null}
      <div role="status" className="interpreter-panel__status">
        {notice ? (
          <p key={notice.n} className="body">
            {notice.text}
          </p>
        ) : null}
      </div>
      {state.status === 'error' ? (
        <p className="body">
          {t('interpreter.invite.loadFailed')}{' '}
          <button type="button" className="button button--secondary button--inline" onClick={retry}>
            {t('common.tryAgain')}
          </button>
        </p>
      ) : null}
      {state.status === 'ready' && state.data.canInvite ? <InviteForm onInvite={invite} /> : null}
      {state.status === 'ready' && !state.data.canInvite && invitations.some((i) => i.status === 'pending' || i.status === 'opened') ? (
        <p className="body">{t('interpreter.invite.limit')}</p>
      ) : null}
      <h3 className="heading-s">{t('interpreter.invite.listHeading')}</h3>
      {invitations.length === 0 ? (
        <p className="body staff-muted">{t('interpreter.invite.none')}</p>
      ) : (
        <ul className="interpreter-list">
          {invitations.map((invitation) => (
            <InvitationItem key={invitation.id} invitation={invitation} onRevoke={revoke} />
          ))}
        </ul>
      )}
    </section>
  );
}
