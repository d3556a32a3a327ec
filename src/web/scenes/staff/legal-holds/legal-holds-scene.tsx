/**
 * Active legal holds (`/staff/legal-holds`, supervisors and administrators):
 * every appointment of the organisation (a supervisor: of their offices)
 * whose data retention must not purge, with why, who placed the hold and
 * since when. Holds are placed and released on the appointment's page.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchActiveHolds } from '../../../api/legal-holds-api.ts';
import { Loading } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { formatInstant } from '../../admin/integrations/integrations-common.tsx';
import { useStaffPageTitle } from '../staff-session.ts';

/** The page. */
export function LegalHoldsScene() {
  const { t, i18n } = useTranslation();
  const { timeZone } = useOrganisation();
  useStaffPageTitle(t('retention.list.title'));
  const [loaded, retry] = useLoad((signal) => fetchActiveHolds(signal), [i18n.language]);
  const rows = loaded.status === 'ready' ? loaded.data : null;
  return (
    <>
      <PageHeading>{t('retention.list.title')}</PageHeading>
      <p className="body">{t('retention.list.intro')}</p>
      {loaded.status === 'loading' ? <Loading /> : null}
      {loaded.status === 'error' ? <LoadProblem error={loaded.error} onRetry={retry} /> : null}
      {rows && rows.length === 0 ? <p className="body">{t('retention.list.none')}</p> : null}
      {rows && rows.length > 0 ? (
        <div className="staff-table-wrap" role="region" aria-labelledby="legal-holds-caption" tabIndex={0}>
          <table className="staff-table">
            <caption id="legal-holds-caption" className="visually-hidden">
              {t('retention.list.caption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('retention.list.columns.appointment')}</th>
                <th scope="col">{t('retention.list.columns.reason')}</th>
                <th scope="col">{t('retention.list.columns.placedBy')}</th>
                <th scope="col">{t('retention.list.columns.placedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((h) => (
                <tr key={h.id}>
                  <td>
                    <Link to={`/staff/appointments/${encodeURIComponent(h.appointment.id)}`}>{h.appointment.reference}</Link>
                  </td>
                  <td className="break-word">{h.reason}</td>
                  <td>{h.placedBy.displayName ?? t('staff.history.actors.staff')}</td>
                  <td>{formatInstant(h.placedAt, timeZone, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
