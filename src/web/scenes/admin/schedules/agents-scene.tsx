/**
 * The section's first page: the organisation's staff, each with their
 * offices and number of weekly windows, linked to the page where their
 * hours are set.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchAgents } from '../../../api/admin-schedules-api.ts';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadedRows, StaffTable } from '../../../components/staff-table.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useStaffPageTitle } from '../../staff/staff-session.ts';
import { SCHEDULES_BASE, SchedulesNav } from './schedules-common.tsx';

/** The list of staff to give hours to. */
export function AgentsScene() {
  const { t, i18n } = useTranslation();
  useStaffPageTitle(t('adminSchedules.agents.title'));
  const [state, retry] = useLoad((signal) => fetchAgents(signal), [i18n.language]);
  return (
    <>
      <PageHeading caption={t('adminSchedules.title')}>{t('adminSchedules.agents.title')}</PageHeading>
      <SchedulesNav />
      <p className="body">{t('adminSchedules.agents.intro')}</p>
      <LoadedRows loaded={state} onRetry={retry} none={t('adminSchedules.agents.none')}>
        {(agents) => (
          <StaffTable
            id="agents"
            caption={t('adminSchedules.agents.caption')}
            columns={[
              t('adminSchedules.agents.name'),
              t('adminSchedules.agents.role'),
              t('adminSchedules.agents.offices'),
              { label: t('adminSchedules.agents.windows'), className: 'schedules-table__number' },
            ]}
            wrapClassName="schedules-table-wrap"
            tableClassName="schedules-table"
          >
            {agents.map((a) => (
              <tr key={a.id}>
                <th scope="row">
                  <Link to={`${SCHEDULES_BASE}/agents/${encodeURIComponent(a.id)}`}>{a.displayName}</Link>
                  {a.active ? null : <span className="schedules-muted"> ({t('adminSchedules.agents.inactive')})</span>}
                  <span className="staff-table__reference">{a.email}</span>
                </th>
                <td>{t(`adminSchedules.roles.${a.role}`)}</td>
                <td>{a.offices.length ? a.offices.map((o) => o.name).join(', ') : t('adminSchedules.agents.noOffice')}</td>
                <td className="schedules-table__number">{a.windows}</td>
              </tr>
            ))}
          </StaffTable>
        )}
      </LoadedRows>
    </>
  );
}
