/**
 * Active legal holds (`/staff/legal-holds`, supervisors and administrators):
 * every appointment of the organisation (a supervisor: of their offices)
 * whose data retention must not purge, with why, who placed the hold and
 * since when. Holds are placed and released on the appointment's page.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchActiveHolds } from '../../../api/legal-holds-api.ts';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadedRows, StaffTable } from '../../../components/staff-table.tsx';
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
  return (
    <>
      <PageHeading>{t('retention.list.title')}</PageHeading>
      <p className="body">{t('retention.list.intro')}</p>
      <LoadedRows loaded={loaded} onRetry={retry} none={t('retention.list.none')}>
        {(rows) => (
          <StaffTable
            id="legal-holds"
            caption={t('retention.list.caption')}
            columns={[t('retention.list.columns.appointment'), t('retention.list.columns.reason'), t('retention.list.columns.placedBy'), t('retention.list.columns.placedAt')]}
          >
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
          </StaffTable>
        )}
      </LoadedRows>
    </>
  );
}
