/**
 * Deliveries to case management (`/staff/deliveries`, supervisors and
 * administrators): each sealed package queued for a case-management system,
 * with its state (pending, acknowledged, dead letter), attempts, next
 * attempt, last error and the receiver's reference, filterable by state; a
 * pending or dead delivery can be retried now.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { fetchDeliveries, retryDelivery, type DeliveryState, type DeliveryView } from '../../../api/deliveries-api.ts';
import { Tag } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { LoadedRows, StaffTable } from '../../../components/staff-table.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { Feedback, formatInstant, usePageFeedback } from '../../admin/integrations/integrations-common.tsx';
import { useStaffPageTitle, useStaffSession } from '../staff-session.ts';

const STATES: readonly DeliveryState[] = ['pending', 'acknowledged', 'dead'];
const COLOURS: Record<DeliveryState, 'blue' | 'green' | 'red'> = { pending: 'blue', acknowledged: 'green', dead: 'red' };

function stateFrom(value: string | null): DeliveryState | null {
  return STATES.find((s) => s === value) ?? null;
}

/** The deliveries page. */
export function DeliveriesScene() {
  const { t, i18n } = useTranslation();
  const session = useStaffSession();
  const { timeZone } = useOrganisation();
  const feedback = usePageFeedback();
  useStaffPageTitle(t('delivery.title'), feedback.problems.length > 0);
  const [params, setParams] = useSearchParams();
  const state = stateFrom(params.get('state'));
  const [choice, setChoice] = useState<string>(state ?? '');
  const [reload, setReload] = useState(0);
  const [loaded, retryLoad] = useLoad((signal) => fetchDeliveries(state, signal), [state, reload, i18n.language]);
  const [busy, setBusy] = useState<string | null>(null);

  const filter = (event: FormEvent) => {
    event.preventDefault();
    const next = stateFrom(choice);
    setParams(next ? { state: next } : {});
  };

  const retry = async (d: DeliveryView) => {
    if (busy) return;
    feedback.start();
    setBusy(d.id);
    try {
      await retryDelivery(session.csrfToken, d.id);
      feedback.done(t('delivery.retried', { reference: d.appointment.reference }));
      setReload((n) => n + 1);
    } catch (error) {
      feedback.fail([{ message: problemMessage(error, t) }]);
    } finally {
      setBusy(null);
    }
  };

  const when = (iso: string | null) => (iso ? formatInstant(iso, timeZone, i18n.language) : '—');
  return (
    <>
      <Feedback feedback={feedback} />
      <PageHeading>{t('delivery.title')}</PageHeading>
      <p className="body">{t('delivery.intro')}</p>

      <form className="staff-filter" onSubmit={filter} noValidate aria-label={t('delivery.filter.form')}>
        <StaffSelect
          id="delivery-state"
          name="state"
          inline
          label={t('delivery.filter.label')}
          value={choice}
          options={[{ value: '', label: t('delivery.filter.all') }, ...STATES.map((s) => ({ value: s, label: t(`delivery.state.${s}`) }))]}
          onChange={setChoice}
        />
        <button type="submit" className="button button--secondary button--inline">
          {t('delivery.filter.apply')}
        </button>
      </form>

      <LoadedRows loaded={loaded} onRetry={retryLoad} none={t('delivery.none')}>
        {(rows) => (
          <StaffTable
            id="deliveries"
            caption={t('delivery.caption')}
            columns={[
              t('delivery.columns.appointment'),
              t('delivery.columns.connector'),
              t('delivery.columns.state'),
              t('delivery.columns.attempts'),
              t('delivery.columns.nextAttempt'),
              t('delivery.columns.lastError'),
              t('delivery.columns.reference'),
              t('delivery.columns.createdAt'),
              { label: t('delivery.columns.actions'), hidden: true },
            ]}
          >
            {rows.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/staff/appointments/${encodeURIComponent(d.appointment.id)}`}>{d.appointment.reference}</Link>
                </td>
                <td>{t(`delivery.connector.${d.connector}`, { defaultValue: d.connector })}</td>
                <td>
                  <Tag colour={COLOURS[d.state]}>{t(`delivery.state.${d.state}`)}</Tag>
                </td>
                <td>{d.attempts}</td>
                <td>{when(d.nextAttemptAt)}</td>
                <td>{d.lastError ?? '—'}</td>
                <td>{d.reference ?? '—'}</td>
                <td>{when(d.createdAt)}</td>
                <td>
                  {d.state === 'acknowledged' ? null : (
                    <button type="button" className="button button--secondary button--inline" aria-disabled={busy !== null} onClick={() => void retry(d)}>
                      {t('delivery.retry')}
                      <span className="visually-hidden"> {d.appointment.reference}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </StaffTable>
        )}
      </LoadedRows>
    </>
  );
}
