/**
 * Webhooks (`/staff/admin/integrations/webhooks`): every subscription of
 * the organisation, whichever API key made it, with its last deliveries
 * (status code, time, attempts); "send test event" posts a signed test
 * event to it now and shows the answer; a form subscribes a receiver for
 * one of the active keys (its signing secret shown once); deletion after a
 * confirmation.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  createWebhook,
  deleteWebhook,
  fetchIntegrations,
  sendTestEvent,
  type AdminWebhookView,
  type DeliveryView,
} from '../../../api/admin-integrations-api.ts';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { Loading, Tag } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { StaffConfirm } from '../../../components/staff-confirm.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { Feedback, formatInstant, problemsOf, usePageFeedback } from './integrations-common.tsx';
import { IntegrationsNav } from './integrations-scene.tsx';
import { SecretOnce } from './secret-once.tsx';

const STATUS_COLOURS: Record<DeliveryView['status'], 'green' | 'yellow' | 'red' | 'grey'> = {
  delivered: 'green',
  pending: 'yellow',
  dead: 'red',
  failed: 'red',
  discarded: 'grey',
};

/** One subscription: what it receives, its actions and its last deliveries. */
function Subscription({ webhook, index, busy, onTest, onDelete }: { webhook: AdminWebhookView; index: number; busy: boolean; onTest: () => void; onDelete: () => void }) {
  const { t, i18n } = useTranslation();
  const { timeZone } = useOrganisation();
  const headingId = `webhook-${index}-heading`;
  return (
    <article className="webhook-card" aria-labelledby={headingId}>
      <h3 id={headingId} className="heading-s webhook-card__url">
        {webhook.url}
      </h3>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt className="summary-list__key">{t('adminIntegrations.integrations.webhooks.apiKey')}</dt>
          <dd className="summary-list__value">
            {webhook.apiKey.name} <code>{`fin_${webhook.apiKey.prefix}_…`}</code>
            {webhook.apiKey.revoked ? (
              <>
                {' '}
                <Tag colour="grey">{t('adminIntegrations.integrations.webhooks.keyRevoked')}</Tag>
              </>
            ) : null}
          </dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t('adminIntegrations.integrations.webhooks.events')}</dt>
          <dd className="summary-list__value">{webhook.events.join(', ')}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t('adminIntegrations.integrations.webhooks.createdAt')}</dt>
          <dd className="summary-list__value">{formatInstant(webhook.createdAt, timeZone, i18n.language)}</dd>
        </div>
      </dl>
      <div className="webhook-card__actions">
        <button type="button" className="button button--secondary button--inline" aria-disabled={busy || webhook.apiKey.revoked} onClick={onTest}>
          {t('adminIntegrations.integrations.webhooks.test')}
          <span className="visually-hidden"> {webhook.url}</span>
        </button>
        <button type="button" className="button button--warning button--inline" onClick={onDelete}>
          {t('adminIntegrations.integrations.webhooks.delete')}
          <span className="visually-hidden"> {webhook.url}</span>
        </button>
      </div>
      <h4 className="heading-s">{t('adminIntegrations.integrations.webhooks.deliveries')}</h4>
      {webhook.deliveries.length === 0 ? (
        <p className="body">{t('adminIntegrations.integrations.webhooks.noDeliveries')}</p>
      ) : (
        <div className="staff-table-wrap" role="region" aria-labelledby={`${headingId}-deliveries`} tabIndex={0}>
          <table className="staff-table">
            <caption id={`${headingId}-deliveries`} className="visually-hidden">
              {t('adminIntegrations.integrations.webhooks.deliveriesCaption', { url: webhook.url })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('adminIntegrations.integrations.webhooks.event')}</th>
                <th scope="col">{t('adminIntegrations.integrations.webhooks.status')}</th>
                <th scope="col">{t('adminIntegrations.integrations.webhooks.statusCode')}</th>
                <th scope="col">{t('adminIntegrations.integrations.webhooks.attempts')}</th>
                <th scope="col">{t('adminIntegrations.integrations.webhooks.time')}</th>
              </tr>
            </thead>
            <tbody>
              {webhook.deliveries.map((d, i) => (
                <tr key={`${d.at}-${i}`}>
                  <td>
                    <code>{d.eventType}</code>
                  </td>
                  <td>
                    <Tag colour={STATUS_COLOURS[d.status]}>{t(`adminIntegrations.integrations.delivery.${d.status}`)}</Tag>
                  </td>
                  <td>{d.statusCode ?? t('adminIntegrations.integrations.webhooks.noAnswer')}</td>
                  <td>{d.attempts}</td>
                  <td>{formatInstant(d.at, timeZone, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

/** The webhooks page. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const session = useStaffSession();
  const feedback = usePageFeedback();
  useStaffPageTitle(t('adminIntegrations.integrations.webhooks.title'), feedback.problems.length > 0);
  const [reload, setReload] = useState(0);
  const [state, retry] = useLoad((signal) => fetchIntegrations(signal), [reload]);
  const [apiKeyId, setApiKeyId] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [deleting, setDeleting] = useState<AdminWebhookView | null>(null);
  const [busy, setBusy] = useState(false);

  const data = state.status === 'ready' ? state.data : null;
  const activeKeys = (data?.apiKeys ?? []).filter((k) => k.revokedAt === null);

  const run = async (action: () => Promise<void>, fieldIds: Record<string, string> = {}) => {
    if (busy) return;
    feedback.start();
    setBusy(true);
    try {
      await action();
      setReload((n) => n + 1);
    } catch (error) {
      feedback.fail(problemsOf(error, t, 'integrations', fieldIds, (id) => (id === 'webhook_api_key_unusable' ? 'webhook-key' : undefined)));
    } finally {
      setBusy(false);
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    const problems = [
      ...(apiKeyId === '' ? [{ message: t('adminIntegrations.integrations.errors.apiKeyId.required'), fieldId: 'webhook-key' }] : []),
      ...(url.trim() === '' ? [{ message: t('adminIntegrations.integrations.errors.url.required'), fieldId: 'webhook-url' }] : []),
      ...(events.length === 0 ? [{ message: t('adminIntegrations.integrations.errors.events.required'), fieldId: 'webhook-event-0' }] : []),
    ];
    if (problems.length > 0) {
      feedback.start();
      feedback.fail(problems);
      return;
    }
    void run(
      async () => {
        const answer = await createWebhook(session.csrfToken, { apiKeyId, url, events });
        setCreated({ url: answer.webhook.url, secret: answer.secret });
        setUrl('');
        setEvents([]);
        feedback.done(t('adminIntegrations.integrations.webhooks.created', { url: answer.webhook.url }));
      },
      { apiKeyId: 'webhook-key', url: 'webhook-url', events: 'webhook-event-0' },
    );
  };

  const test = (webhook: AdminWebhookView) =>
    run(async () => {
      const { delivery } = await sendTestEvent(session.csrfToken, webhook.id);
      if (delivery.status === 'delivered') {
        feedback.done(t('adminIntegrations.integrations.webhooks.testDelivered', { url: webhook.url, status: delivery.statusCode ?? 0 }));
      } else {
        feedback.fail([
          {
            message:
              delivery.statusCode === null
                ? t('adminIntegrations.integrations.webhooks.testNoAnswer', { url: webhook.url, error: delivery.error ?? '' })
                : t('adminIntegrations.integrations.webhooks.testFailed', { url: webhook.url, status: delivery.statusCode }),
          },
        ]);
      }
    });

  const remove = () => {
    const webhook = deleting;
    if (!webhook) return;
    void run(async () => {
      await deleteWebhook(session.csrfToken, webhook.id);
      setDeleting(null);
      feedback.done(t('adminIntegrations.integrations.webhooks.deleted', { url: webhook.url }));
    });
  };

  return (
    <>
      <Feedback feedback={feedback} />
      <PageHeading>{t('adminIntegrations.integrations.webhooks.title')}</PageHeading>
      <IntegrationsNav />
      <p className="body">{t('adminIntegrations.integrations.webhooks.intro')}</p>

      {created ? (
        <SecretOnce
          id="webhook-secret-heading"
          title={t('adminIntegrations.integrations.webhooks.secretTitle')}
          label={t('adminIntegrations.integrations.webhooks.secretLabel')}
          value={created.secret}
          onDone={() => setCreated(null)}
        />
      ) : null}

      <section aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading" className="heading-m">
          {t('adminIntegrations.integrations.webhooks.listHeading')}
        </h2>
        {state.status === 'loading' ? <Loading /> : null}
        {state.status === 'error' ? <LoadProblem error={state.error} onRetry={retry} /> : null}
        {data && data.webhooks.length === 0 ? <p className="body">{t('adminIntegrations.integrations.webhooks.none')}</p> : null}
        {data?.webhooks.map((webhook, i) => (
          <div key={webhook.id}>
            <Subscription webhook={webhook} index={i} busy={busy} onTest={() => void test(webhook)} onDelete={() => setDeleting(webhook)} />
            {deleting?.id === webhook.id ? (
              <StaffConfirm id="delete-heading" title={t('adminIntegrations.integrations.webhooks.deleteTitle', { url: webhook.url })}>
                <p className="body">{t('adminIntegrations.integrations.webhooks.deleteText')}</p>
                <div className="button-group">
                  <button type="button" className="button button--warning" aria-disabled={busy} onClick={remove}>
                    {t('adminIntegrations.integrations.webhooks.deleteConfirm')}
                  </button>
                  <button type="button" className="button button--secondary" onClick={() => setDeleting(null)}>
                    {t('adminIntegrations.integrations.cancel')}
                  </button>
                </div>
              </StaffConfirm>
            ) : null}
          </div>
        ))}
      </section>

      <section aria-labelledby="webhook-create-heading" className="admin-section">
        <h2 id="webhook-create-heading" className="heading-m">
          {t('adminIntegrations.integrations.webhooks.createHeading')}
        </h2>
        {data && activeKeys.length === 0 ? (
          <p className="body">{t('adminIntegrations.integrations.webhooks.needKey')}</p>
        ) : (
          <form onSubmit={create} noValidate>
            <StaffSelect
              id="webhook-key"
              name="apiKeyId"
              label={t('adminIntegrations.integrations.webhooks.apiKey')}
              hint={t('adminIntegrations.integrations.webhooks.apiKeyHint')}
              value={apiKeyId}
              options={[{ value: '', label: t('adminIntegrations.integrations.webhooks.chooseKey') }, ...activeKeys.map((k) => ({ value: k.id, label: `${k.name} (fin_${k.prefix}_…)` }))]}
              onChange={setApiKeyId}
              error={feedback.errorOf('webhook-key')}
            />
            <TextField
              id="webhook-url"
              name="url"
              label={t('adminIntegrations.integrations.webhooks.url')}
              hint={t('adminIntegrations.integrations.webhooks.urlHint')}
              value={url}
              onChange={setUrl}
              error={feedback.errorOf('webhook-url')}
              spellCheck={false}
              autoCapitalize="none"
              maxLength={2048}
            />
            <Checkboxes
              id="webhook-events"
              legend={t('adminIntegrations.integrations.webhooks.events')}
              hint={t('adminIntegrations.integrations.webhooks.eventsHint')}
              error={feedback.errorOf('webhook-event-0')}
              items={(data?.eventTypes ?? []).map((type, i) => ({
                id: `webhook-event-${i}`,
                name: 'events',
                label: <code>{type}</code>,
                hint: t(`adminIntegrations.integrations.event.${type.replace('appointment.', '')}`),
                checked: events.includes(type),
                onChange: (checked: boolean) => setEvents((now) => (checked ? [...now, type] : now.filter((e) => e !== type))),
              }))}
            />
            <button type="submit" className="button" aria-disabled={busy}>
              {t('adminIntegrations.integrations.webhooks.create')}
            </button>
          </form>
        )}
      </section>
    </>
  );
}
