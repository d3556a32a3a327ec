/**
 * What staff know about one uploaded document, as a summary list: status,
 * size, when it came, the malware scan's answer, its SHA-256 (short, with a
 * button copying the whole hash) and who reviewed it. Shared by the
 * appointment page and the viewer.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffDocument } from '../../../api/staff-documents-api.ts';
import { SummaryList, type SummaryRow } from '../../../components/content.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import { actorLabel } from '../staff-labels.tsx';
import { useStaffSession } from '../staff-session.ts';
import { DocumentStatusTag, formatBytes, scanLabel, shortHash } from './document-labels.tsx';

/** The short hash and a "Copy" button; where the clipboard is unavailable the whole hash is shown to select by hand. */
function HashValue({ sha256, fileName }: { sha256: string; fileName: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(sha256);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <span className="review-hash">
      <code className="review-hash__value" title={sha256}>
        {copied === 'failed' ? sha256 : shortHash(sha256)}
      </code>{' '}
      <button
        type="button"
        className="review-hash__copy"
        aria-label={t('review.document.copyHashNamed', { file: fileName })}
        onClick={() => void copy()}
      >
        {t('review.document.copyHash')}
      </button>
      <span className="review-hash__status" role="status">
        {copied === 'yes' ? t('review.document.hashCopied') : ''}
      </span>
    </span>
  );
}

/** Props of {@link DocumentFacts}. */
export interface DocumentFactsProps {
  document: StaffDocument;
  timeZone: string;
  /** Include the file name as the first row (the viewer shows it as the page heading instead). */
  withFileName?: boolean;
}

/** The document's facts as rows. */
export function DocumentFacts({ document: doc, timeZone, withFileName = false }: DocumentFactsProps) {
  const { t, i18n } = useTranslation();
  const language = useLanguage();
  const { staff } = useStaffSession();
  const exists = (key: string) => i18n.exists(key);
  // The server may name the reviewer as an actor (`staff:<id>`): name the signed-in person, else "a member of staff".
  const reviewer = (by: string) => (by.startsWith('staff:') ? actorLabel(by, t, new Map([[staff.id, staff.displayName]])) : by);
  const at = (iso: string) =>
    t('review.document.dateAtTime', {
      date: formatInstantDate(iso, timeZone, language),
      time: formatInstantTime(iso, timeZone, language),
    });
  const rows: SummaryRow[] = [];
  if (withFileName) {
    rows.push({ key: 'file', label: t('review.document.fileName'), value: <span className="break-word">{doc.fileName}</span> });
  }
  rows.push(
    { key: 'status', label: t('review.document.status'), value: <DocumentStatusTag status={doc.status} /> },
    { key: 'size', label: t('review.document.size'), value: formatBytes(doc.size, language) },
    { key: 'uploaded', label: t('review.document.uploadedAt'), value: at(doc.uploadedAt) },
    { key: 'scan', label: t('review.document.scan'), value: scanLabel(doc.scan, doc.scanSignature, t, exists) },
  );
  if (doc.sha256) {
    rows.push({ key: 'sha256', label: t('review.document.sha256'), value: <HashValue sha256={doc.sha256} fileName={doc.fileName} /> });
  }
  rows.push({
    key: 'reviewed',
    label: t('review.document.reviewed'),
    value:
      doc.reviewedBy && doc.reviewedAt
        ? t('review.document.reviewedBy', {
            name: reviewer(doc.reviewedBy),
            date: formatInstantDate(doc.reviewedAt, timeZone, language),
            time: formatInstantTime(doc.reviewedAt, timeZone, language),
          })
        : t('review.document.notReviewed'),
  });
  if (doc.status === 'rejected' && doc.rejectionReason) {
    rows.push({ key: 'reason', label: t('review.document.reason'), value: <span className="break-word">{doc.rejectionReason}</span> });
  }
  return <SummaryList rows={rows} />;
}
