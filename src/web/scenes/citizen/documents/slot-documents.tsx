/** The files a slot holds: name, size, when, status with what it means, the office's reason, and "Remove". */
import { useTranslation } from 'react-i18next';
import type { CitizenDocumentView } from '../../../../shared/documents.ts';
import { useLanguage } from '../../../hooks/use-language.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import { DocumentStatusTag, statusHint } from './document-status.tsx';
import { formatBytes } from './transfer-stats.ts';

/** Props of {@link SlotDocuments}. */
export interface SlotDocumentsProps {
  documents: readonly CitizenDocumentView[];
  timeZone: string;
  /** Whether the slot is open, so documents not yet accepted can be withdrawn. */
  open: boolean;
  /** The document being withdrawn, if any. */
  removing: string | null;
  onRemove: (document: CitizenDocumentView) => void;
}

/** Lists a slot's documents in the order they were sent (the server's order). */
export function SlotDocuments({ documents, timeZone, open, removing, onRemove }: SlotDocumentsProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  return (
    <ul className="doc-files">
      {documents.map((doc) => {
        const hint = statusHint(doc.status, t);
        return (
          <li key={doc.id} className="doc-files__item">
            <p className="doc-files__name break-word">{doc.fileName}</p>
            <p className="hint doc-files__meta">
              {t('uploads.files.meta', {
                size: formatBytes(doc.size, language),
                date: formatInstantDate(doc.uploadedAt, timeZone, language),
                time: formatInstantTime(doc.uploadedAt, timeZone, language),
              })}
            </p>
            <p className="doc-files__status">
              <DocumentStatusTag status={doc.status} />
            </p>
            {hint ? <p className="body">{hint}</p> : null}
            {doc.status === 'rejected' && doc.rejectionReason ? (
              <div className="inset-text">
                <p className="heading-s">{t('uploads.files.reasonLabel')}</p>
                <p className="body break-word">{doc.rejectionReason}</p>
              </div>
            ) : null}
            {open && doc.status !== 'accepted' ? (
              <button
                type="button"
                className="button button--secondary doc-files__remove"
                aria-label={t('uploads.files.removeLabel', { name: doc.fileName })}
                aria-disabled={removing === doc.id}
                onClick={() => {
                  if (removing === null) onRemove(doc);
                }}
              >
                {t('uploads.files.remove')}
              </button>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
