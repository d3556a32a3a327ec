/**
 * The administration console under `/staff/admin` (issue 9): only an
 * administrator sees it (the API refuses everyone else anyway). A side
 * navigation lists its sections; each section is its own scene below.
 */
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import { PageHeading } from '../../components/page-heading.tsx';
import { useStaffPageTitle, useStaffSession } from '../staff/staff-session.ts';

/** The console's sections, in the order of the navigation. */
export const ADMIN_SECTIONS = ['procedures', 'schedules', 'staff', 'organisation', 'seal', 'integrations', 'audit', 'data-protection'] as const;

/** Shows the console to administrators, and a plain refusal to anyone else. */
export function AdminLayout() {
  const { t } = useTranslation();
  const session = useStaffSession();
  if (session.staff.role !== 'admin') return <AdminOnly />;
  return (
    <div className="admin">
      <nav className="admin__nav" aria-label={t('admin.nav.label')}>
        <ul className="admin__links">
          {ADMIN_SECTIONS.map((section) => (
            <li key={section}>
              <NavLink to={`/staff/admin/${section}`} className="admin__link">
                {t(`admin.nav.${section}`)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="admin__content">
        <Outlet />
      </div>
    </div>
  );
}

function AdminOnly() {
  const { t } = useTranslation();
  useStaffPageTitle(t('admin.only.title'));
  return (
    <>
      <PageHeading>{t('admin.only.title')}</PageHeading>
      <p>{t('admin.only.body')}</p>
    </>
  );
}
