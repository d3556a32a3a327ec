/** Booking step 5: the citizen's details, identity document, contact, language and accessibility needs. */
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams } from 'react-router';
import { LIMITS } from '../../../shared/limits.ts';
import { BackLink } from '../../components/back-link.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { useDetailsForm } from '../../hooks/use-details-form.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { useBooking } from './booking-state.ts';
import { CitizenDetailsFields } from '../../components/citizen-details-fields.tsx';

export type { DetailsLocationState } from './details-validation.ts';

/** The details page. */
export function DetailsScene() {
  const { t } = useTranslation();
  const { procedureId = '' } = useParams();
  const navigate = useNavigate();
  const [booking, updateBooking] = useBooking();
  const base = `/book/${encodeURIComponent(procedureId)}`;
  const { form, set, message, submit, summary, submits, hasErrors, languages } = useDetailsForm(booking.details, 'details.errors', (details) => {
    updateBooking({ details });
    void navigate(`${base}/check`);
  });
  usePageTitle(t('details.title'), hasErrors);

  if (booking.procedureId !== procedureId || !booking.slot) return <Navigate to={`${base}/date`} replace />;

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
