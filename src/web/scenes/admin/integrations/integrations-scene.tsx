/**
 * Integrations (`/staff/admin/integrations/*`): the organisation's API keys
 * (`…/integrations`), webhook subscriptions (`…/integrations/webhooks`) and
 * case-management receivers (`…/integrations/case-management`).
 * A key's or a subscription's secret is shown once, right after creating
 * it; afterwards only a key's prefix tells it apart.
 */
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { ApiKeysPage } from './api-keys-page.tsx';
import { CaseManagementPage } from './case-management-page.tsx';
import { WebhooksPage } from './webhooks-page.tsx';

/** The section's base address. */
export const INTEGRATIONS_BASE = '/staff/admin/integrations';

/** The section's own navigation (a second level under the console's). */
export function IntegrationsNav() {
  const { t } = useTranslation();
  return (
    <nav className="integrations-nav" aria-label={t('adminIntegrations.integrations.nav.label')}>
      <ul className="integrations-nav__links">
        <li>
          <NavLink to={INTEGRATIONS_BASE} end className="integrations-nav__link">
            {t('adminIntegrations.integrations.nav.apiKeys')}
          </NavLink>
        </li>
        <li>
          <NavLink to={`${INTEGRATIONS_BASE}/webhooks`} className="integrations-nav__link">
            {t('adminIntegrations.integrations.nav.webhooks')}
          </NavLink>
        </li>
        <li>
          <NavLink to={`${INTEGRATIONS_BASE}/case-management`} className="integrations-nav__link">
            {t('adminIntegrations.integrations.nav.caseManagement')}
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}

/** The section: its pages under its own address. */
export function IntegrationsScene() {
  return (
    <Routes>
      <Route index element={<ApiKeysPage />} />
      <Route path="webhooks" element={<WebhooksPage />} />
      <Route path="case-management" element={<CaseManagementPage />} />
      <Route path="*" element={<Navigate to={INTEGRATIONS_BASE} replace />} />
    </Routes>
  );
}
