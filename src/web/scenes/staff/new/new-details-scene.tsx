/**
 * "New appointment", step 4: the citizen's details, as the agent takes them
 * down (by phone or at the desk). Same fields and checks as the citizen's own
 * form (`validateDetails`), worded for the agent. The server's field errors
 * come back here from the check page.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { LANGUAGES, LIMITS } from '../../../../shared/limits.ts';
import { BackLink } from '../../../components/back-link.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { emptyDetails, type DetailsAnswers } from '../../citizen/booking-state.ts';
import {
  cleanDetails,
  DETAILS_FIELDS,
  isDetailsLocationState,
  MAX_BY_FIELD,
  validateDetails,
  type DetailsErrors,
} from '../../citizen/details-validation.ts';

/** Router state with which the check page hands back the server's field errors. */
export type { DetailsLocationState as StaffDetailsLocationState } from '../../citizen/details-validation.ts';
import { useStaffPageTitle } from '../staff-session.ts';
import { NEW_BASE, useStaffBooking } from './new-booking-state.ts';
import { CitizenDetailsFields } from '../../../components/citizen-details-fields.tsx';

/** The citizen's details page. */
export function NewDetailsScene() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const uiLanguage = useLanguage();
  const organisation = useOrganisation();
  const [booking, updateBooking] = useStaffBooking();
  const [form, setForm] = useState<DetailsAnswers>(() => booking.details ?? emptyDetails(uiLanguage));
  const [errors, setErrors] = useState<DetailsErrors>(() => (isDetailsLocationState(location.state) ? location.state.serverErrors : {}));
  const [submits, setSubmits] = useState(0);
  useStaffPageTitle(t('staff.citizen.title'), Object.keys(errors).length > 0);

  if (!booking.procedureId || !booking.channel) return <Navigate to={NEW_BASE} replace />;
  if (!booking.slot) return <Navigate to={`${NEW_BASE}/date`} replace />;

  const message = (field: keyof DetailsErrors): string | undefined => {
    const code = errors[field];
    if (!code) return undefined;
    const key = `staff.citizen.errors.${field}.${code}`;
    return i18n.exists(key) ? t(key, { max: MAX_BY_FIELD[field] ?? 0 }) : t('details.errors.invalid');
  };
  const set = <K extends keyof DetailsAnswers>(field: K, value: DetailsAnswers[K]) => {
    setForm((previous) => ({ ...previous, [field]: value }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateDetails(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setSubmits((n) => n + 1);
      return;
    }
    updateBooking({ details: cleanDetails(form) });
    void navigate(`${NEW_BASE}/check`);
  };

  const languages = LANGUAGES.filter((l) => organisation.languages.includes(l));
  const summary = DETAILS_FIELDS.flatMap((field) => {
    const text = message(field);
    return text ? [{ message: text, fieldId: field }] : [];
  });

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
