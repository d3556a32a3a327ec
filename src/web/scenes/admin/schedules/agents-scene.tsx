/**
 * The section's first page: the organisation's staff, each with their
 * offices and number of weekly windows, linked to the page where their
 * hours are set.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchAgents } from '../../../api/admin-schedules-api.ts';
import { Loading } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
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
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <LoadProblem error={state.error} onRetry={retry} /> : null}
      {state.status === 'ready' && state.data.length === 0 ? <p className="body">{t('adminSchedules.agents.none')}</p> : null}
      {state.status === 'ready' && state.data.length > 0 ? (
        <div className="staff-table-wrap schedules-table-wrap" role="region" aria-labelledby="agents-caption" tabIndex={0}>
          <table className="staff-table schedules-table">
            <caption id="agents-caption" className="visually-hidden">
              {t('adminSchedules.agents.caption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('adminSchedules.agents.name')}</th>
                <th scope="col">{t('adminSchedules.agents.role')}</th>
                <th scope="col">{t('adminSchedules.agents.offices')}</th>
                <th scope="col" className="schedules-table__number">
                  {t('adminSchedules.agents.windows')}
                </th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((a) => (
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
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
