/**
 * The seal expiry warning on the staff pages: while the organ seal in use
 * ends within 30 days, supervisors and administrators see one short line
 * (GOV.UK notification banner) — administrators with a link to install the
 * renewed certificate. Agents are not asked (the API would refuse them).
 * Deliberately small: one bordered line under the staff bar.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { fetchSealExpiry, type SealExpiryView } from '../../../api/admin-integrations-api.ts';
import type { StaffRole } from '../../../api/staff-api.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { formatInstant } from './integrations-common.tsx';

/** The banner, for the signed-in person's role. */
export function SealExpiryBanner({ role }: { role: StaffRole }) {
  const { t, i18n } = useTranslation();
  const { timeZone } = useOrganisation();
  const [expiry, setExpiry] = useState<SealExpiryView | null>(null);
  const leads = role === 'supervisor' || role === 'admin';
  // Asked again on every page change: a renewed seal installed meanwhile clears the warning without a reload.
  const { pathname } = useLocation();
  useEffect(() => {
    if (!leads) return;
    const controller = new AbortController();
    // A warning is no reason to disturb the page: a failure just shows nothing.
    fetchSealExpiry(controller.signal).then(setExpiry, () => undefined);
    return () => controller.abort();
  }, [leads, pathname]);
  if (!leads || !expiry) return null;
  const date = formatInstant(expiry.notAfter, timeZone, i18n.language);
  return (
    <div className="seal-expiry-banner" role="region" aria-labelledby="seal-expiry-title">
      <p id="seal-expiry-title" className="seal-expiry-banner__text">
        <strong>
          {expiry.daysLeft < 0 ? t('adminIntegrations.seal.banner.expired', { date }) : t('adminIntegrations.seal.banner.soon', { days: expiry.daysLeft, date })}
        </strong>{' '}
        {role === 'admin' ? <Link to="/staff/admin/seal">{t('adminIntegrations.seal.banner.link')}</Link> : t('adminIntegrations.seal.banner.askAdmin')}
      </p>
    </div>
  );
}
