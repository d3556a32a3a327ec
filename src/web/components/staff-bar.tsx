/**
 * The staff bar under the header of every signed-in staff page: the staff
 * area's navigation (agenda, queue, new appointment, indicators, "My account"), who is signed
 * in and a "Sign out" button (GOV.UK service navigation pattern). Links mark
 * the current page `aria-current`.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import type { StaffMe } from '../api/staff-api.ts';

/** Props of {@link StaffBar}. */
export interface StaffBarProps {
  staff: StaffMe;
  onSignOut: () => Promise<void>;
}

/** Navigation, name and role of the signed-in person, and sign-out. */
export function StaffBar({ staff, onSignOut }: StaffBarProps) {
  const { t } = useTranslation();
  const [leaving, setLeaving] = useState(false);
  return (
    <div className="staff-bar">
      <nav className="staff-bar__nav" aria-label={t('staff.bar.navLabel')}>
        <ul className="staff-bar__links">
          <li>
            <NavLink to="/staff" end className="staff-bar__link">
              {t('staff.bar.agenda')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/staff/queue" className="staff-bar__link">
              {t('live.nav.queue')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/staff/appointments/new" className="staff-bar__link">
              {t('staff.bar.newAppointment')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/staff/indicators" className="staff-bar__link">
              {t('indicators.nav')}
            </NavLink>
          </li>
          {staff.role === 'supervisor' || staff.role === 'admin' ? (
            <li>
              <NavLink to="/staff/deliveries" className="staff-bar__link">
                {t('delivery.nav')}
              </NavLink>
            </li>
          ) : null}
          {staff.role === 'supervisor' || staff.role === 'admin' ? (
            <li>
              <NavLink to="/staff/legal-holds" className="staff-bar__link">
                {t('retention.nav')}
              </NavLink>
            </li>
          ) : null}
          {staff.role === 'admin' ? (
            <li>
              <NavLink to="/staff/admin" className="staff-bar__link">
                {t('admin.nav.console')}
              </NavLink>
            </li>
          ) : null}
          <li>
            <NavLink to="/staff/account" className="staff-bar__link">
              {t('staff.bar.account')}
            </NavLink>
          </li>
        </ul>
      </nav>
      <div className="staff-bar__account">
        <p className="staff-bar__who">
          {t('staff.bar.signedInAs', { name: staff.displayName, role: t(`staff.roles.${staff.role}`) })}
        </p>
        <button
          type="button"
          className="button button--secondary button--inline"
          aria-disabled={leaving}
          onClick={() => {
            if (leaving) return;
            setLeaving(true);
            void onSignOut().finally(() => setLeaving(false));
          }}
        >
          {t('staff.bar.signOut')}
        </button>
      </div>
    </div>
  );
}
