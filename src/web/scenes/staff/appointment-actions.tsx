/**
 * What staff can do with one appointment, as the server allows it: offer a
 * video call instead of an in-person visit, give it to another agent, or
 * cancel it. Offering and cancelling ask for confirmation on the page first
 * (the citizen gets an email; a cancellation cannot be undone).
 */
import { useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import {
  cancelStaffAppointment,
  fetchAgenda,
  offerVideo,
  reassignAppointment,
  type AgentRef,
  type AppointmentDetail,
} from '../../api/staff-api.ts';
import { Loading } from '../../components/content.tsx';
import { problemMessage } from '../../components/problem.tsx';
import { StaffConfirm } from '../../components/staff-confirm.tsx';
import { StaffSelect } from '../../components/staff-select.tsx';
import { useLoad } from '../../hooks/use-load.ts';
import { localDateOf } from '../../i18n/format.ts';

/** Props of {@link AppointmentActions}. */
export interface AppointmentActionsProps {
  detail: AppointmentDetail;
  csrfToken: string;
  timeZone: string;
  /** Called after an action succeeded, with the message to show. */
  onDone: (message: string) => void;
  /** Called when an action failed, with the message to show; `fieldId` names the control it is about. */
  onError: (message: string, fieldId?: string) => void;
  /** Called when an action starts, to clear earlier messages. */
  onStart: () => void;
}

type Open = 'offer' | 'cancel' | null;

/** Lists the agents to reassign to: the server's list when it sends one, else those of that day's agenda. */
function useAgents(detail: AppointmentDetail, timeZone: string, enabled: boolean) {
  const date = localDateOf(new Date(detail.appointment.startsAt), timeZone);
  return useLoad<AgentRef[]>(
    async (signal) => {
      if (!enabled) return [];
      if (detail.agents) return detail.agents;
      return (await fetchAgenda({ from: date, to: date }, signal)).agents;
    },
    [enabled, date, detail.agents],
  );
}

/** The actions section; renders nothing when no action is allowed. */
export function AppointmentActions({ detail, csrfToken, timeZone, onDone, onError, onStart }: AppointmentActionsProps) {
  const { t } = useTranslation();
  const { appointment } = detail;
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState(false);
  const [agentId, setAgentId] = useState('');
  const [agentError, setAgentError] = useState<string | undefined>();
  const [agents] = useAgents(detail, timeZone, detail.canReassign);
  const offerButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);

  if (!detail.canOfferVideo && !detail.canReassign && !detail.canCancel) return null;

  const run = async (action: () => Promise<unknown>, message: string, fieldId?: string) => {
    if (busy) return;
    setBusy(true);
    onStart();
    try {
      await action();
      setOpen(null);
      setAgentId('');
      onDone(message);
    } catch (error) {
      const message = problemMessage(error, t);
      if (fieldId === 'reassign-agent') setAgentError(message);
      onError(message, fieldId);
    } finally {
      setBusy(false);
    }
  };

  const close = (opener: RefObject<HTMLButtonElement | null>) => {
    setOpen(null);
    // The opener is rendered again in place of the box: give it focus once it is back.
    window.setTimeout(() => opener.current?.focus(), 0);
  };

  const others = agents.status === 'ready' ? agents.data.filter((a) => a.id !== appointment.agent.id) : [];
  const chosen = others.find((a) => a.id === agentId);

  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading" className="heading-m">
        {t('staff.actions.heading')}
      </h2>

      {detail.canOfferVideo ? (
        <div className="staff-action">
          <h3 className="heading-s">{t('staff.actions.offer.heading')}</h3>
          <p className="body">{t('staff.actions.offer.intro')}</p>
          {open === 'offer' ? (
            <StaffConfirm id="offer-confirm" title={t('staff.actions.offer.confirmTitle')}>
              <p className="body">{t('staff.actions.offer.confirmText', { email: appointment.citizen.email })}</p>
              <div className="button-group">
                <button
                  type="button"
                  className="button"
                  aria-disabled={busy}
                  onClick={() => void run(() => offerVideo(csrfToken, appointment.id), t('staff.actions.offer.done'))}
                >
                  {t('staff.actions.offer.confirm')}
                </button>
                <button type="button" className="button button--secondary" onClick={() => close(offerButton)}>
                  {t('staff.actions.goBack')}
                </button>
              </div>
            </StaffConfirm>
          ) : (
            <button ref={offerButton} type="button" className="button button--secondary" onClick={() => setOpen('offer')}>
              {t('staff.actions.offer.button')}
            </button>
          )}
        </div>
      ) : null}

      {detail.canReassign ? (
        <div className="staff-action">
          <h3 className="heading-s">{t('staff.actions.reassign.heading')}</h3>
          {agents.status === 'loading' ? <Loading /> : null}
          {agents.status === 'error' ? <p className="body">{t('staff.actions.reassign.noAgents')}</p> : null}
          {agents.status === 'ready' && others.length === 0 ? <p className="body">{t('staff.actions.reassign.noAgents')}</p> : null}
          {others.length > 0 ? (
            <form
              className="staff-filter"
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                if (!chosen) {
                  const message = t('staff.actions.reassign.required');
                  setAgentError(message);
                  onError(message, 'reassign-agent');
                  return;
                }
                setAgentError(undefined);
                void run(
                  () => reassignAppointment(csrfToken, appointment.id, chosen.id),
                  t('staff.actions.reassign.done', { agent: chosen.displayName }),
                  'reassign-agent',
                );
              }}
            >
              <StaffSelect
                id="reassign-agent"
                name="agentId"
                label={t('staff.actions.reassign.label')}
                value={agentId}
                error={agentError}
                onChange={(value) => {
                  setAgentId(value);
                  setAgentError(undefined);
                }}
                options={[
                  { value: '', label: t('staff.actions.reassign.choose') },
                  ...others.map((a) => ({ value: a.id, label: a.displayName })),
                ]}
                inline
              />
              <button type="submit" className="button button--secondary button--inline" aria-disabled={busy}>
                {t('staff.actions.reassign.button')}
              </button>
            </form>
          ) : null}
        </div>
      ) : null}

      {detail.canCancel ? (
        <div className="staff-action">
          <h3 className="heading-s">{t('staff.actions.cancel.heading')}</h3>
          {open === 'cancel' ? (
            <StaffConfirm id="cancel-confirm" title={t('staff.actions.cancel.confirmTitle')}>
              <p className="body">{t('staff.actions.cancel.confirmText')}</p>
              <div className="button-group">
                <button
                  type="button"
                  className="button button--warning"
                  aria-disabled={busy}
                  onClick={() => void run(() => cancelStaffAppointment(csrfToken, appointment.id), t('staff.actions.cancel.done'))}
                >
                  {t('staff.actions.cancel.confirm')}
                </button>
                <button type="button" className="button button--secondary" onClick={() => close(cancelButton)}>
                  {t('staff.actions.cancel.keep')}
                </button>
              </div>
            </StaffConfirm>
          ) : (
            <button ref={cancelButton} type="button" className="button button--warning" onClick={() => setOpen('cancel')}>
              {t('staff.actions.cancel.button')}
            </button>
          )}
        </div>
      ) : null}
    </section>
  );
}
