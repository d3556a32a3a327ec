/** Booking step 2: what to prepare — documents, deadline for sending them, and the device needed. */
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { BackLink } from '../../components/back-link.tsx';
import { InsetText, Loading } from '../../components/content.tsx';
import { DocumentList } from '../../components/document-list.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { LoadProblem } from '../../components/problem.tsx';
import { useOrganisation } from '../../hooks/use-organisation.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { useProcedure } from '../../hooks/use-procedure.ts';
import { EMPTY_BOOKING, useBooking } from './booking-state.ts';

/** The "what you need" page. */
export function PrepareScene() {
  const { t } = useTranslation();
  const { procedureId = '' } = useParams();
  const navigate = useNavigate();
  const organisation = useOrganisation();
  const [booking, updateBooking] = useBooking();
  const [state, retry] = useProcedure(procedureId);
  usePageTitle(t('prepare.title'));

  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  if (state.status === 'loading') return <Loading />;
  const procedure = state.data;

  const next = () => {
    // Arriving here from a link for another procedure starts a fresh journey.
    if (booking.procedureId !== procedure.id) {
      updateBooking({ ...EMPTY_BOOKING, procedureId: procedure.id, details: booking.details });
    }
    void navigate(`/book/${encodeURIComponent(procedure.id)}/date`);
  };

  return (
    <>
      <BackLink to="/" />
      <PageHeading caption={procedure.name}>{t('prepare.title')}</PageHeading>
      <p className="body">{t('prepare.intro', { minutes: procedure.durationMinutes })}</p>

      <h2 className="heading-m">{t('prepare.documentsHeading')}</h2>
      <DocumentList documents={procedure.requiredDocuments} />
      <InsetText>
        <p className="body">{t('prepare.deadline', { hours: organisation.uploadDeadlineHours })}</p>
      </InsetText>

      <h2 className="heading-m">{t('prepare.deviceHeading')}</h2>
      <ul className="list list--bullet">
        <li>{t('prepare.device.camera')}</li>
        <li>{t('prepare.device.browser')}</li>
        <li>{t('prepare.device.connection')}</li>
        <li>{t('prepare.device.place')}</li>
        <li>{t('prepare.device.identity')}</li>
      </ul>

      <h2 className="heading-m">{t('prepare.recordingHeading')}</h2>
      <p className="body">{t('prepare.recording')}</p>

      <h2 className="heading-m">{t('prepare.changesHeading')}</h2>
      <p className="body">{t('prepare.changes', { hours: organisation.changeNoticeHours })}</p>

      <button type="button" className="button" onClick={next}>
        {t('common.continue')}
      </button>
    </>
  );
}
