/**
 * The "Documents" section of the staff appointment page: the agent's
 * pre-check before the day. Per slot the document asked for (required or
 * not), its status as a word, and per upload its file name, size, malware
 * scan answer (quarantined files cannot be opened; files too large for the
 * scanner are never called clean), short SHA-256, reviewer, and actions: view
 * in the browser, download, accept, reject with a reason. Past the deadline
 * the agent can re-open uploads for some hours.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { StaffDocumentsView } from '../../../../shared/documents.ts';
import { OPEN_STATUSES } from '../../../../shared/limits.ts';
import { documentContentUrl, fetchStaffDocuments, type StaffDocument, type StaffDocumentSlot } from '../../../api/staff-documents-api.ts';
import { Loading } from '../../../components/content.tsx';
import type { SummaryError } from '../../../components/error-summary.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import { useStaffSession } from '../staff-session.ts';
import { DocumentDecision } from './document-decision.tsx';
import { DocumentFacts } from './document-facts.tsx';
import { DocumentStatusTag, slotName } from './document-labels.tsx';
import { DocumentsReopen } from './documents-reopen.tsx';
import { SectionFeedback } from './section-feedback.tsx';

/** Where the viewer of one document is. */
export function viewerPath(appointmentId: string, documentId: string): string {
  return `/staff/appointments/${encodeURIComponent(appointmentId)}/documents/${encodeURIComponent(documentId)}`;
}

/** Why a document cannot be opened, in words. */
export function NotViewable({ doc }: { doc: StaffDocument }) {
  const { t } = useTranslation();
  const message =
    doc.status === 'quarantined'
      ? t('review.document.quarantined')
      : doc.status === 'scanning'
        ? t('review.document.scanning')
        : t('review.document.unavailable');
  return <p className="body review-note review-note--warning">{message}</p>;
}

/** View and download links of a document that can be opened. */
export function DocumentLinks({ appointmentId, doc, withView = true }: { appointmentId: string; doc: StaffDocument; withView?: boolean }) {
  const { t } = useTranslation();
  return (
    <ul className="review-links">
      {withView ? (
        <li>
          <Link to={viewerPath(appointmentId, doc.id)} aria-label={t('review.document.viewNamed', { file: doc.fileName })}>
            {t('review.document.view')}
          </Link>
        </li>
      ) : null}
      <li>
        <a
          href={documentContentUrl(appointmentId, doc.id, { download: true })}
          download={doc.fileName}
          aria-label={t('review.document.downloadNamed', { file: doc.fileName })}
        >
          {t('review.document.download')}
        </a>
      </li>
    </ul>
  );
}

interface Handlers {
  onDone: (view: StaffDocumentsView, message: string) => void;
  onError: (message: string, fieldId?: string) => void;
  onStart: () => void;
}

interface ItemProps {
  appointmentId: string;
  timeZone: string;
  /** What to do after a decision; null when the appointment no longer takes decisions. */
  handlers: Handlers | null;
}

function DocumentItem({ appointmentId, doc, timeZone, handlers }: ItemProps & { doc: StaffDocument }) {
  const { t } = useTranslation();
  const session = useStaffSession();
  return (
    <li className="review-document">
      <h4 className="heading-s review-document__name">{doc.fileName}</h4>
      {doc.scan === 'too_large' || doc.scan === 'not_configured' ? (
        <p className="body review-note review-note--warning">{t('review.document.notScannedWarning')}</p>
      ) : null}
      <DocumentFacts document={doc} timeZone={timeZone} />
      {doc.viewable ? <DocumentLinks appointmentId={appointmentId} doc={doc} /> : <NotViewable doc={doc} />}
      {handlers ? <DocumentDecision appointmentId={appointmentId} document={doc} csrfToken={session.csrfToken} {...handlers} /> : null}
    </li>
  );
}

function Slot({ appointmentId, slot, timeZone, handlers }: ItemProps & { slot: StaffDocumentSlot }) {
  const { t } = useTranslation();
  return (
    <li className="review-slot">
      <h3 className="heading-s review-slot__name">{slotName(slot, t)}</h3>
      <p className="body review-slot__meta">
        <DocumentStatusTag status={slot.status} />{' '}
        <span>{slot.mandatory ? t('review.section.required') : t('review.section.optional')}</span>
      </p>
      {slot.documents.length === 0 ? (
        <p className="body staff-muted">{t('review.section.notUploaded')}</p>
      ) : (
        <ul className="review-documents">
          {slot.documents.map((doc) => (
            <DocumentItem key={doc.id} appointmentId={appointmentId} doc={doc} timeZone={timeZone} handlers={handlers} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The deadline, or until when uploads are re-opened, as a sentence. */
function DeadlineLine({ view, timeZone, now }: { view: StaffDocumentsView; timeZone: string; now: number }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const when = (iso: string) => ({ date: formatInstantDate(iso, timeZone, language), time: formatInstantTime(iso, timeZone, language) });
  if (view.reopenedUntil && Date.parse(view.reopenedUntil) > now) {
    return <p className="body">{t('review.section.reopened', when(view.reopenedUntil))}</p>;
  }
  if (Date.parse(view.deadline) > now) return <p className="body">{t('review.section.open', when(view.deadline))}</p>;
  return <p className="body">{t('review.section.closed', when(view.deadline))}</p>;
}

/** Whether the appointment still takes decisions on its documents (the server refuses them once it is over or cancelled). */
export function acceptsReview(appointmentStatus: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(appointmentStatus);
}

/** Props of {@link DocumentsSection}. */
export interface DocumentsSectionProps {
  appointmentId: string;
  /** The appointment's status: decisions and re-opening are offered only while it is open. */
  appointmentStatus: string;
  timeZone: string;
  /** Called after a decision or a re-opening, so the page can reload the history. */
  onChange?: () => void;
}

/** The section; it loads the documents itself. */
export function DocumentsSection({ appointmentId, appointmentStatus, timeZone, onChange }: DocumentsSectionProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const session = useStaffSession();
  const [state, retry] = useLoad((signal) => fetchStaffDocuments(appointmentId, signal), [appointmentId, language]);
  // The view an action answered with, until the next load (in the language it was asked in).
  const [answered, setAnswered] = useState<{ view: StaffDocumentsView; key: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [errors, setErrors] = useState<SummaryError[]>([]);
  const [messages, setMessages] = useState(0);

  const handlers: Handlers = {
    onStart: () => {
      setNotice(null);
      setErrors([]);
    },
    onDone: (view, message) => {
      setAnswered({ view, key: `${appointmentId}:${language}` });
      setNotice(message);
      setMessages((n) => n + 1);
      onChange?.();
    },
    onError: (message, fieldId) => {
      setErrors([{ message, fieldId }]);
      setMessages((n) => n + 1);
    },
  };

  const heading = (
    <h2 id="documents-heading" className="heading-m">
      {t('review.section.heading')}
    </h2>
  );
  if (state.status === 'loading') {
    return (
      <section aria-labelledby="documents-heading" className="review-section">
        {heading}
        <Loading />
      </section>
    );
  }
  if (state.status === 'error') {
    return (
      <section aria-labelledby="documents-heading" className="review-section">
        {heading}
        <p className="body">{t('review.section.loadFailed', { problem: problemMessage(state.error, t) })}</p>
        <button type="button" className="button button--secondary" onClick={retry}>
          {t('common.tryAgain')}
        </button>
      </section>
    );
  }
  const view = answered && answered.key === `${appointmentId}:${language}` ? answered.view : state.data;
  const now = Date.now();
  const deadlinePassed = Date.parse(view.deadline) <= now;
  const open = acceptsReview(appointmentStatus);

  return (
    <section aria-labelledby="documents-heading" className="review-section">
      {heading}
      <SectionFeedback idPrefix="documents" notice={notice} errors={errors} focusKey={messages} />
      <DeadlineLine view={view} timeZone={timeZone} now={now} />
      {view.slots.length === 0 ? (
        <p className="body staff-muted">{t('review.section.noSlots')}</p>
      ) : (
        <ul className="review-slots">
          {view.slots.map((slot) => (
            <Slot key={slot.slot} appointmentId={appointmentId} slot={slot} timeZone={timeZone} handlers={open ? handlers : null} />
          ))}
        </ul>
      )}
      {open && deadlinePassed ? (
        <DocumentsReopen appointmentId={appointmentId} csrfToken={session.csrfToken} timeZone={timeZone} {...handlers} />
      ) : null}
    </section>
  );
}
