/**
 * API keys (`/staff/admin/integrations`): every key of the organisation
 * with its prefix, scopes, creation and state; a form to create one (its
 * secret shown once) and, for each active key, revocation after a
 * confirmation — the systems using it stop at once, and so do the webhook
 * subscriptions made with it.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createApiKey, fetchIntegrations, revokeApiKey, type ApiKeyView } from '../../../api/admin-integrations-api.ts';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { Loading, Tag } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { StaffConfirm } from '../../../components/staff-confirm.tsx';
import { StaffTable } from '../../../components/staff-table.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { Feedback, formatInstant, problemsOf, usePageFeedback } from './integrations-common.tsx';
import { IntegrationsNav } from './integrations-scene.tsx';
import { SecretOnce } from './secret-once.tsx';

/** The API keys page. */
export function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  const session = useStaffSession();
  const { timeZone } = useOrganisation();
  const feedback = usePageFeedback();
  useStaffPageTitle(t('adminIntegrations.integrations.apiKeys.title'), feedback.problems.length > 0);
  const [reload, setReload] = useState(0);
  const [state, retry] = useLoad((signal) => fetchIntegrations(signal), [reload]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    feedback.start();
    setCreated(null);
    const problems = [
      ...(name.trim() === '' ? [{ message: t('adminIntegrations.integrations.errors.name.required'), fieldId: 'key-name' }] : []),
      ...(scopes.length === 0 ? [{ message: t('adminIntegrations.integrations.errors.scopes.required'), fieldId: 'key-scope-0' }] : []),
    ];
    if (problems.length > 0) {
      feedback.fail(problems);
      return;
    }
    setBusy(true);
    try {
      const answer = await createApiKey(session.csrfToken, { name, scopes });
      setCreated({ name: answer.apiKey.name, secret: answer.secret });
      setName('');
      setScopes([]);
      feedback.done(t('adminIntegrations.integrations.apiKeys.created', { name: answer.apiKey.name }));
      setReload((n) => n + 1);
    } catch (error) {
      feedback.fail(problemsOf(error, t, 'integrations', { name: 'key-name', scopes: 'key-scope-0' }));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async () => {
    const key = revoking;
    if (!key || busy) return;
    feedback.start();
    setBusy(true);
    try {
      await revokeApiKey(session.csrfToken, key.id);
      setRevoking(null);
      feedback.done(t('adminIntegrations.integrations.apiKeys.revoked', { name: key.name }));
      setReload((n) => n + 1);
    } catch (error) {
      feedback.fail(problemsOf(error, t, 'integrations', {}));
    } finally {
      setBusy(false);
    }
  };

  const data = state.status === 'ready' ? state.data : null;
  const nameError = feedback.errorOf('key-name');
  const scopesError = feedback.errorOf('key-scope-0');
  return (
    <>
      <Feedback feedback={feedback} />
      <PageHeading>{t('adminIntegrations.integrations.apiKeys.title')}</PageHeading>
      <IntegrationsNav />
      <p className="body">{t('adminIntegrations.integrations.apiKeys.intro')}</p>

      {created ? (
        <SecretOnce
          id="key-secret-heading"
          title={t('adminIntegrations.integrations.apiKeys.secretTitle', { name: created.name })}
          label={t('adminIntegrations.integrations.apiKeys.secretLabel')}
          value={created.secret}
          onDone={() => setCreated(null)}
        />
      ) : null}

      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading" className="heading-m">
          {t('adminIntegrations.integrations.apiKeys.listHeading')}
        </h2>
        {state.status === 'loading' ? <Loading /> : null}
        {state.status === 'error' ? <LoadProblem error={state.error} onRetry={retry} /> : null}
        {data && data.apiKeys.length === 0 ? <p className="body">{t('adminIntegrations.integrations.apiKeys.none')}</p> : null}
        {data && data.apiKeys.length > 0 ? (
          <StaffTable
            id="keys"
            caption={t('adminIntegrations.integrations.apiKeys.caption')}
            columns={[
              t('adminIntegrations.integrations.apiKeys.name'),
              t('adminIntegrations.integrations.apiKeys.prefix'),
              t('adminIntegrations.integrations.apiKeys.scopes'),
              t('adminIntegrations.integrations.apiKeys.createdAt'),
              t('adminIntegrations.integrations.apiKeys.state'),
              { label: t('adminIntegrations.integrations.apiKeys.actions'), hidden: true },
            ]}
          >
            {data.apiKeys.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{`fin_${key.prefix}_…`}</code>
                </td>
                <td>{key.scopes.join(', ')}</td>
                <td>{formatInstant(key.createdAt, timeZone, i18n.language)}</td>
                <td>
                  {key.revokedAt === null ? (
                    <Tag colour="green">{t('adminIntegrations.integrations.apiKeys.active')}</Tag>
                  ) : (
                    <Tag colour="grey">{t('adminIntegrations.integrations.apiKeys.revokedOn', { date: formatInstant(key.revokedAt, timeZone, i18n.language) })}</Tag>
                  )}
                </td>
                <td>
                  {key.revokedAt === null ? (
                    <button type="button" className="button button--warning button--inline" onClick={() => setRevoking(key)}>
                      {t('adminIntegrations.integrations.apiKeys.revoke')}
                      <span className="visually-hidden"> {key.name}</span>
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </StaffTable>
        ) : null}
        {revoking ? (
          <StaffConfirm id="revoke-heading" title={t('adminIntegrations.integrations.apiKeys.revokeTitle', { name: revoking.name })}>
            <p className="body">{t('adminIntegrations.integrations.apiKeys.revokeText')}</p>
            <div className="button-group">
              <button type="button" className="button button--warning" aria-disabled={busy} onClick={() => void revoke()}>
                {t('adminIntegrations.integrations.apiKeys.revokeConfirm')}
              </button>
              <button type="button" className="button button--secondary" onClick={() => setRevoking(null)}>
                {t('adminIntegrations.integrations.cancel')}
              </button>
            </div>
          </StaffConfirm>
        ) : null}
      </section>

      <section aria-labelledby="key-create-heading" className="admin-section">
        <h2 id="key-create-heading" className="heading-m">
          {t('adminIntegrations.integrations.apiKeys.createHeading')}
        </h2>
        <form onSubmit={(e) => void create(e)} noValidate>
          <TextField
            id="key-name"
            name="name"
            label={t('adminIntegrations.integrations.apiKeys.name')}
            hint={t('adminIntegrations.integrations.apiKeys.nameHint')}
            value={name}
            onChange={setName}
            error={nameError}
            maxLength={100}
            width="two-thirds"
          />
          <Checkboxes
            id="key-scopes"
            legend={t('adminIntegrations.integrations.apiKeys.scopes')}
            hint={t('adminIntegrations.integrations.apiKeys.scopesHint')}
            error={scopesError}
            items={(data?.scopes ?? []).map((scope, i) => ({
              id: `key-scope-${i}`,
              name: 'scopes',
              label: <code>{scope}</code>,
              hint: t(`adminIntegrations.integrations.scope.${scope.replace(':', '_')}`),
              checked: scopes.includes(scope),
              onChange: (checked: boolean) => setScopes((now) => (checked ? [...now, scope] : now.filter((s) => s !== scope))),
            }))}
          />
          <button type="submit" className="button" aria-disabled={busy}>
            {t('adminIntegrations.integrations.apiKeys.create')}
          </button>
        </form>
      </section>
    </>
  );
}
