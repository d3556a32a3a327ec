/**
 * "New appointment", step 4: the citizen's details, as the agent takes them
 * down (by phone or at the desk). Same fields and checks as the citizen's own
 * form (`validateDetails`), worded for the agent. The server's field errors
 * come back here from the check page.
 */
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { LIMITS } from '../../../../shared/limits.ts';
import { BackLink } from '../../../components/back-link.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { useDetailsForm } from '../../../hooks/use-details-form.ts';
import { useStaffPageTitle } from '../staff-session.ts';
import { NEW_BASE, useStaffBooking } from './new-booking-state.ts';
import { CitizenDetailsFields } from '../../../components/citizen-details-fields.tsx';

/** Router state with which the check page hands back the server's field errors. */
export type { DetailsLocationState as StaffDetailsLocationState } from '../../citizen/details-validation.ts';

/** The citizen's details page. */
export function NewDetailsScene() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [booking, updateBooking] = useStaffBooking();
  const { form, set, message, submit, summary, submits, hasErrors, languages } = useDetailsForm(booking.details, 'staff.citizen.errors', (details) => {
    updateBooking({ details });
    void navigate(`${NEW_BASE}/check`);
  });
  useStaffPageTitle(t('staff.citizen.title'), hasErrors);

  if (!booking.procedureId || !booking.channel) return <Navigate to={NEW_BASE} replace />;
  if (!booking.slot) return <Navigate to={`${NEW_BASE}/date`} replace />;

  return (
    <>
      <BackLink to={`${NEW_BASE}/time`} />
      <ErrorSummary errors={summary} focusKey={submits} />
      <PageHeading caption={t('staff.new.caption')}>{t('staff.citizen.title')}</PageHeading>
      <p className="body">{t('staff.citizen.intro')}</p>
      <form onSubmit={submit} noValidate>
        <CitizenDetailsFields form={form} set={set} message={message} languages={languages} personal={false} hints={{
          idType: t('staff.citizen.idTypeHint'),
          email: t('staff.citizen.emailHint'),
          phone: t('staff.citizen.phoneHint'),
          language: t('staff.citizen.languageHint'),
          needsLegend: t('staff.citizen.needsLegend'),
          needs: t('staff.citizen.needsHint'),
          otherLabel: t('staff.citizen.otherLabel'),
          other: t('staff.citizen.otherHint', { max: LIMITS.otherNeedsMax }),
        }} />
        <button type="submit" className="button">
          {t('common.continue')}
        </button>
      </form>
    </>
  );
}
