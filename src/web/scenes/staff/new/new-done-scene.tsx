/** "New appointment", last page: the reference, what the citizen receives, and a link to the appointment. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { Panel } from '../../../components/content.tsx';
import { HeadingShell } from '../../../components/page-heading.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import { useStaffPageTitle } from '../staff-session.ts';
import { lastStaffBooking, NEW_BASE } from './new-booking-state.ts';

/** The confirmation page. */
export function NewDoneScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { timeZone } = useOrganisation();
  useStaffPageTitle(t('staff.new.doneTitle'));
  const [done] = useState(lastStaffBooking);
  if (!done) return <Navigate to={NEW_BASE} replace />;
  return (
    <>
      <Panel
        title={<HeadingShell className="panel__title">{t('staff.new.doneTitle')}</HeadingShell>}
      >
        {t('staff.new.referenceLabel')}
        <br />
        <strong className="panel__reference">{done.reference}</strong>
      </Panel>
      <p className="body">
        {t('staff.new.doneSummary', {
          citizen: done.citizenName,
          procedure: done.procedureName,
          date: formatInstantDate(done.startsAt, timeZone, language),
          time: formatInstantTime(done.startsAt, timeZone, language),
        })}
      </p>
      <p className="body">{done.channel === 'video' ? t('staff.new.doneVideo', { email: done.email }) : t('staff.new.doneInPerson')}</p>
      <div className="button-group">
        <Link to={`/staff/appointments/${encodeURIComponent(done.id)}`} className="button">
          {t('staff.new.openAppointment')}
        </Link>
        <Link to={NEW_BASE} className="link-button">
          {t('staff.new.another')}
        </Link>
      </div>
    </>
  );
}
