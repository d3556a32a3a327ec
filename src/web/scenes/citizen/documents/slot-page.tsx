/**
 * One document's page (`documents?slot=<id>`): what the office asks for,
 * the accepted formats and size before anything is chosen, the files sent so
 * far with their status, and the two ways to send one: choose a file, or
 * photograph the pages. Problems appear in an error summary at the top,
 * linked to the control they came from.
 */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DOCUMENT_LIMITS, OTHER_SLOT, type CitizenDocumentView, type DocumentSlotView } from '../../../../shared/documents.ts';
import { withdrawDocument } from '../../../api/documents-api.ts';
import { BackLink } from '../../../components/back-link.tsx';
import { InsetText, Tag } from '../../../components/content.tsx';
import { ErrorSummary, type SummaryError } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { usePageTitle } from '../../../hooks/use-page-title.ts';
import { isSessionExpired } from '../citizen-area.tsx';
import { FILE_INPUT_ID, FilePick } from './file-pick.tsx';
import { PHOTO_INPUT_ID, PhotoCapture } from './photo-capture.tsx';
import { ResumeNotice } from './resume-notice.tsx';
import { SlotDocuments } from './slot-documents.tsx';
import { limitsText } from './slot-text.ts';
import { isSlotFull } from './space-summary.ts';
import { UploadAnnouncer, UploadProgress } from './upload-progress.tsx';
import type { UploadController } from './use-tus-upload.ts';

/** Props of {@link SlotPage}. */
export interface SlotPageProps {
  slot: DocumentSlotView;
  controller: UploadController;
  csrfToken: string;
  timeZone: string;
  /** `/a/<token>/documents`. */
  listPath: string;
  /** Fetches the document space again (after a withdrawal). */
  onChanged: () => void;
  onSessionExpired: () => void;
  /** Shown after the ways to upload, while uploading is possible (the "continue on your phone" option). */
  extra?: ReactNode;
}

/** The page of one slot. */
export function SlotPage({ slot, controller, csrfToken, timeZone, listPath, onChanged, onSessionExpired, extra }: SlotPageProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [removing, setRemoving] = useState<string | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [removed, setRemoved] = useState<string | null>(null);
  const [errorCount, setErrorCount] = useState(0);
  const upload = controller.uploads[slot.slot];
  const failure = controller.failures[slot.slot];
  const errors: SummaryError[] = [];
  if (failure) errors.push({ message: failure.message, fieldId: failure.source === 'photos' ? PHOTO_INPUT_ID : FILE_INPUT_ID });
  if (removeError) errors.push({ message: removeError });
  usePageTitle(slot.name, errors.length > 0);

  const busy = upload !== undefined && upload.phase !== 'done';
  const full = isSlotFull(slot, DOCUMENT_LIMITS.otherDocumentsMax);
  const canUpload = slot.open && !full && !busy;
  const replacing = slot.slot !== OTHER_SLOT && slot.documents.length > 0;
  const acceptsPdf = slot.acceptedTypes.includes('application/pdf');
  const stored = controller.stored.filter((s) => s.slot === slot.slot);
  const fileError = failure?.source === 'file' ? failure.message : undefined;

  const remove = async (doc: CitizenDocumentView) => {
    setRemoving(doc.id);
    setRemoveError(null);
    setRemoved(null);
    try {
      await withdrawDocument(csrfToken, doc.id);
      setRemoved(doc.fileName);
      controller.dismiss(slot.slot);
      onChanged();
    } catch (error) {
      if (isSessionExpired(error)) {
        onSessionExpired();
        return;
      }
      setRemoveError(problemMessage(error, t));
      setErrorCount((n) => n + 1);
    } finally {
      setRemoving(null);
    }
  };

  return (
    <>
      <BackLink to={listPath} />
      <ErrorSummary errors={errors} focusKey={errorCount} />
      <PageHeading caption={t('uploads.title')}>{slot.name}</PageHeading>
      {slot.slot === OTHER_SLOT ? null : (
        <p className="body">
          <Tag colour={slot.mandatory ? 'blue' : 'grey'}>{slot.mandatory ? t('documents.mandatory') : t('documents.optional')}</Tag>
        </p>
      )}
      {slot.description ? <p className="body">{slot.description}</p> : null}
      <p className="body">{limitsText(slot, t, language)}</p>
      {slot.slot === OTHER_SLOT ? <p className="body">{t('uploads.other.max', { max: DOCUMENT_LIMITS.otherDocumentsMax })}</p> : null}
      <UploadAnnouncer upload={upload} />
      {removed ? (
        <p className="doc-notice" role="status">
          {t('uploads.files.removed', { name: removed })}
        </p>
      ) : null}
      {slot.open ? null : (
        <InsetText>
          <p className="body">{t('uploads.upload.closed')}</p>
        </InsetText>
      )}
      {slot.open && !busy
        ? stored.map((s) => <ResumeNotice key={s.urlStorageKey} stored={s} onDiscard={() => controller.discard(s)} />)
        : null}
      {upload ? (
        <UploadProgress
          upload={upload}
          actions={{
            onPause: () => controller.pause(slot.slot),
            onResume: () => controller.resume(slot.slot),
            onCancel: () => controller.cancel(slot.slot),
          }}
        />
      ) : null}

      {slot.documents.length > 0 ? (
        <>
          <h2 className="heading-m">{t('uploads.files.heading', { count: slot.documents.length })}</h2>
          <SlotDocuments documents={slot.documents} timeZone={timeZone} open={slot.open} removing={removing} onRemove={(d) => void remove(d)} />
        </>
      ) : null}

      {full && slot.open ? <p className="body">{t('uploads.other.full', { max: DOCUMENT_LIMITS.otherDocumentsMax })}</p> : null}
      {canUpload ? (
        <>
          <h2 className="heading-m">{replacing ? t('uploads.upload.replaceHeading') : t('uploads.upload.heading')}</h2>
          <FilePick
            slot={slot}
            controller={controller}
            error={fileError}
            hint={replacing ? t('uploads.upload.replaceHint') : t('uploads.upload.hint')}
            onChosen={() => setRemoved(null)}
            onRefused={() => setErrorCount((n) => n + 1)}
          />
          {acceptsPdf ? (
            <PhotoCapture slot={slot} controller={controller} error={failure?.source === 'photos' ? failure.message : undefined} />
          ) : null}
          {extra}
        </>
      ) : null}

      <p className="body">
        <Link to={listPath}>{t('uploads.backToList')}</Link>
      </p>
    </>
  );
}
