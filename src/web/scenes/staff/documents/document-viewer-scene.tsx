/**
 * The agent's in-browser viewer of one uploaded document
 * (`/staff/appointments/:id/documents/:documentId`): PDFs page by page with
 * pdf.js, images with zoom, and beside the document what is known about it
 * and the Accept / Reject controls. The bytes are streamed and decrypted by
 * the server as they are asked for and never saved to the agent's disk; the
 * server records the view in the appointment's history.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { StaffDocumentsView } from '../../../../shared/documents.ts';
import { ApiError } from '../../../api/client.ts';
import { fetchAppointment } from '../../../api/staff-api.ts';
import { documentContentUrl, fetchStaffDocuments, type StaffDocument, type StaffDocumentSlot } from '../../../api/staff-documents-api.ts';
import { BackLink } from '../../../components/back-link.tsx';
import { Loading } from '../../../components/content.tsx';
import { ErrorSummary, type SummaryError } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { StaffSuccessBanner } from '../../../components/staff-banner.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { formatFileTypes } from '../../../i18n/format.ts';
import { useStaffPageTitle, useStaffSession } from '../staff-session.ts';
import { canDecide, DocumentDecision } from './document-decision.tsx';
import { DocumentFacts } from './document-facts.tsx';
import { DISPLAYABLE_IMAGE_TYPES, slotName } from './document-labels.tsx';
import { acceptsReview, DocumentLinks, NotViewable } from './documents-section.tsx';
import { ImageViewer } from './image-viewer.tsx';
import { PdfViewer } from './pdf-viewer.tsx';

/** The document and the name of its slot, if the appointment has it. */
function findDocument(view: StaffDocumentsView, documentId: string): { doc: StaffDocument; slot: StaffDocumentSlot } | null {
  for (const slot of view.slots) {
    const doc = slot.documents.find((d) => d.id === documentId);
    if (doc) return { doc, slot };
  }
  return null;
}

/** The PDF or image viewer, or why the document cannot be shown here. */
function Viewer({ appointmentId, doc }: { appointmentId: string; doc: StaffDocument }) {
  const { t } = useTranslation();
  const language = useLanguage();
  if (!doc.viewable) {
    return <NotViewable doc={doc} />;
  }
  const url = documentContentUrl(appointmentId, doc.id);
  if (doc.mediaType === 'application/pdf') return <PdfViewer key={doc.id} url={url} fileName={doc.fileName} />;
  if (DISPLAYABLE_IMAGE_TYPES.includes(doc.mediaType)) return <ImageViewer key={doc.id} url={url} fileName={doc.fileName} />;
  return <p className="body review-note">{t('review.viewer.unsupported', { type: formatFileTypes([doc.mediaType], language) })}</p>;
}

/** The viewer page. */
export function DocumentViewerScene() {
  const { t } = useTranslation();
  const { id = '', documentId = '' } = useParams();
  const language = useLanguage();
  const session = useStaffSession();
  const { timeZone } = useOrganisation();
  const [state, retry] = useLoad(
    async (signal) => {
      const [documents, detail] = await Promise.all([fetchStaffDocuments(id, signal), fetchAppointment(id, signal)]);
      return { documents, status: detail.appointment.status };
    },
    [id, language],
  );
  const [answered, setAnswered] = useState<{ view: StaffDocumentsView; key: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [problems, setProblems] = useState<SummaryError[]>([]);
  const [submits, setSubmits] = useState(0);
  // The view a decision answered with stands until the next load (in the language it was asked in).
  const fresh = answered && answered.key === `${id}:${language}` ? answered.view : null;
  const view = state.status === 'ready' ? (fresh ?? state.data.documents) : null;
  const found = view ? findDocument(view, documentId) : null;
  useStaffPageTitle(found ? found.doc.fileName : t('review.viewer.title'), problems.length > 0);

  const back = `/staff/appointments/${encodeURIComponent(id)}`;
  if (state.status === 'error') {
    return (
      <>
        <BackLink to={back} />
        <LoadProblem error={state.error} onRetry={retry} />
      </>
    );
  }
  if (state.status === 'loading') return <Loading />;
  if (!found) {
    return (
      <>
        <BackLink to={back} />
        <LoadProblem error={new ApiError(404, 'not_found', '')} />
      </>
    );
  }
  const { doc, slot } = found;
  const open = acceptsReview(state.data.status);

  return (
    <>
      <BackLink to={back} />
      {notice ? <StaffSuccessBanner message={notice} /> : null}
      <ErrorSummary errors={problems} focusKey={submits} />
      <PageHeading caption={slotName(slot, t)}>
        <span className="break-word">{doc.fileName}</span>
      </PageHeading>
      <div className="review-layout">
        <div className="review-layout__document">
          <Viewer appointmentId={id} doc={doc} />
        </div>
        <div className="review-layout__side">
          <h2 className="heading-m">{t('review.viewer.detailsHeading')}</h2>
          <DocumentFacts document={doc} timeZone={timeZone} />
          {doc.viewable ? <DocumentLinks appointmentId={id} doc={doc} withView={false} /> : null}
          <h2 className="heading-m">{t('review.viewer.decisionHeading')}</h2>
          {!open ? <p className="body staff-muted">{t('review.viewer.appointmentClosed')}</p> : null}
          {open && !canDecide(doc.status) ? <p className="body staff-muted">{t('review.viewer.noDecision')}</p> : null}
          {open ? (
            <DocumentDecision
              appointmentId={id}
              document={doc}
              csrfToken={session.csrfToken}
              onStart={() => {
                setNotice(null);
                setProblems([]);
              }}
              onDone={(next, message) => {
                setAnswered({ view: next, key: `${id}:${language}` });
                setNotice(message);
              }}
              onError={(message, fieldId) => {
                setProblems([{ message, fieldId }]);
                setSubmits((n) => n + 1);
              }}
            />
          ) : null}
        </div>
      </div>
    </>
  );
}
