/** Booking step 5: the citizen's details, identity document, contact, language and accessibility needs. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate, useParams } from 'react-router';
import { LANGUAGES, LIMITS } from '../../../shared/limits.ts';
import { BackLink } from '../../components/back-link.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { useOrganisation } from '../../hooks/use-organisation.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { emptyDetails, useBooking, type DetailsAnswers } from './booking-state.ts';
import {
  cleanDetails,
  DETAILS_FIELDS,
  isDetailsLocationState,
  MAX_BY_FIELD,
  validateDetails,
  type DetailsErrors,
} from './details-validation.ts';

export type { DetailsLocationState } from './details-validation.ts';
import { CitizenDetailsFields } from '../../components/citizen-details-fields.tsx';

/** The details page. */
export function DetailsScene() {
  const { t, i18n } = useTranslation();
  const { procedureId = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const uiLanguage = useLanguage();
  const organisation = useOrganisation();
  const [booking, updateBooking] = useBooking();
  const [form, setForm] = useState<DetailsAnswers>(() => booking.details ?? emptyDetails(uiLanguage));
  const [errors, setErrors] = useState<DetailsErrors>(() =>
    isDetailsLocationState(location.state) ? location.state.serverErrors : {},
  );
  const [submits, setSubmits] = useState(0);
  const hasErrors = Object.keys(errors).length > 0;
  usePageTitle(t('details.title'), hasErrors);

  const base = `/book/${encodeURIComponent(procedureId)}`;
  if (booking.procedureId !== procedureId || !booking.slot) return <Navigate to={`${base}/date`} replace />;

  const message = (field: string): string | undefined => {
    const code = errors[field as keyof DetailsErrors];
    if (!code) return undefined;
    const key = `details.errors.${field}.${code}`;
    return i18n.exists(key) ? t(key, { max: MAX_BY_FIELD[field as keyof DetailsErrors] ?? 0 }) : t('details.errors.invalid');
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
    void navigate(`${base}/check`);
  };

  const languages = LANGUAGES.filter((l) => organisation.languages.includes(l));
  const summary = DETAILS_FIELDS.flatMap((field) => {
    const text = message(field);
    return text ? [{ message: text, fieldId: field }] : [];
  });

  return (
    <>
      <BackLink to={`${base}/time`} />
      <ErrorSummary errors={summary} focusKey={submits} />
      <PageHeading>{t('details.title')}</PageHeading>
      <p className="body">{t('details.intro')}</p>
      <form onSubmit={submit} noValidate>
        <CitizenDetailsFields form={form} set={set} message={message} languages={languages} personal={true} hints={{
          idType: t('details.idType.hint'),
          email: t('details.email.hint'),
          phone: t('details.phone.hint'),
          language: t('details.language.hint'),
          needsLegend: t('details.needs.legend'),
          needs: t('details.needs.hint'),
          otherLabel: t('details.needs.otherLabel'),
          other: t('details.needs.otherHint', { max: LIMITS.otherNeedsMax }),
        }} />
        <button type="submit" className="button">
          {t('common.continue')}
        </button>
      </form>
    </>
  );
}
