/**
 * "Take photos of a paper document": the phone's camera opens for each page
 * (`capture="environment"`: the back camera); each photo is downscaled at
 * once, shown as a thumbnail that can be removed, and "Upload" joins the
 * pages into one PDF and uploads it like any chosen file.
 */
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DOCUMENT_LIMITS, type DocumentSlotView } from '../../../../shared/documents.ts';
import { describedBy, ErrorMessage } from '../../../components/error-message.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { downscalePhoto, photosFileName, photosToPdf, type PhotoPage } from './photos-to-pdf.ts';
import { formatBytes } from './transfer-stats.ts';
import type { UploadController } from './use-tus-upload.ts';

/** Id of the photo input, for the error summary's link. */
export const PHOTO_INPUT_ID = 'document-photo';

interface Page extends PhotoPage {
  key: number;
  /** An object URL of the downscaled JPEG, for the thumbnail. */
  url: string;
}

/** Props of {@link PhotoCapture}. */
export interface PhotoCaptureProps {
  slot: DocumentSlotView;
  controller: Pick<UploadController, 'start' | 'prepare' | 'fail' | 'clearFailure'>;
  /** The current error of the photo path, if any. */
  error: string | undefined;
}

let nextKey = 1;

/** The photo path of one slot. */
export function PhotoCapture({ slot, controller, error }: PhotoCaptureProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [pages, setPages] = useState<Page[]>([]);
  const [reading, setReading] = useState(false);
  const pagesRef = useRef(pages);
  pagesRef.current = pages;
  const max = DOCUMENT_LIMITS.photoPagesMax;

  // Thumbnails hold memory until their URLs are revoked.
  useEffect(() => () => pagesRef.current.forEach((p) => URL.revokeObjectURL(p.url)), []);

  const add = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const files = [...(input.files ?? [])];
    // Cleared at once, so the same photo can be chosen again after removing it.
    input.value = '';
    if (files.length === 0) return;
    controller.clearFailure(slot.slot);
    setReading(true);
    try {
      for (const file of files.slice(0, max - pagesRef.current.length)) {
        const page = await downscalePhoto(file);
        const added: Page = { ...page, key: nextKey++, url: URL.createObjectURL(page.jpeg) };
        setPages((previous) => [...previous, added]);
        pagesRef.current = [...pagesRef.current, added];
      }
    } catch {
      controller.fail(slot.slot, { message: t('uploads.errors.photoUnreadable'), source: 'photos' });
    } finally {
      setReading(false);
    }
  };

  const remove = (key: number) => {
    const page = pages.find((p) => p.key === key);
    if (page) URL.revokeObjectURL(page.url);
    setPages((previous) => previous.filter((p) => p.key !== key));
  };

  const upload = async () => {
    if (pages.length === 0 || reading) return;
    controller.prepare(slot.slot, photosFileName(slot.name));
    let file: File;
    try {
      file = await photosToPdf(pages, slot.name);
    } catch {
      controller.fail(slot.slot, { message: t('uploads.errors.pdfFailed'), source: 'photos' });
      return;
    }
    if (file.size > slot.maxBytes) {
      controller.fail(slot.slot, { message: t('uploads.errors.photosTooLarge', { size: formatBytes(slot.maxBytes, language) }), source: 'photos' });
      return;
    }
    pages.forEach((p) => URL.revokeObjectURL(p.url));
    setPages([]);
    controller.start(slot.slot, file, 'photos');
  };

  const errorId = error ? `${PHOTO_INPUT_ID}-error` : undefined;
  const hintId = `${PHOTO_INPUT_ID}-hint`;
  return (
    <section className="doc-photos" aria-labelledby="photos-heading">
      <h2 id="photos-heading" className="heading-m">
        {t('uploads.photos.heading')}
      </h2>
      <p className="body">{t('uploads.photos.intro')}</p>
      {pages.length > 0 ? (
        <>
          <h3 className="heading-s">{t('uploads.photos.pagesHeading', { count: pages.length })}</h3>
          <ol className="doc-photos__pages">
            {pages.map((page, index) => (
              <li key={page.key} className="doc-photos__page">
                <img className="doc-photos__thumb" src={page.url} alt={t('uploads.photos.pageAlt', { number: index + 1 })} />
                <button
                  type="button"
                  className="doc-link-button"
                  aria-label={t('uploads.photos.removeLabel', { number: index + 1 })}
                  onClick={() => remove(page.key)}
                >
                  {t('uploads.photos.remove')}
                </button>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {pages.length < max ? (
        <div className={error ? 'form-group form-group--error' : 'form-group'}>
          <label className="label" htmlFor={PHOTO_INPUT_ID}>
            {t('uploads.photos.take', { number: pages.length + 1 })}
          </label>
          <div id={hintId} className="hint">
            {t('uploads.photos.hint')}
          </div>
          {error && errorId ? <ErrorMessage id={errorId} message={error} /> : null}
          <input
            id={PHOTO_INPUT_ID}
            className={error ? 'doc-file-input doc-file-input--error' : 'doc-file-input'}
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            aria-describedby={describedBy(hintId, errorId)}
            onChange={(event) => void add(event)}
          />
        </div>
      ) : (
        <p className="body">{t('uploads.photos.max', { max })}</p>
      )}
      {reading ? (
        <p className="status-line" role="status">
          <span className="spinner" aria-hidden="true" />
          {t('uploads.photos.reading')}
        </p>
      ) : null}
      {pages.length > 0 ? (
        <button type="button" className="button" onClick={() => void upload()} aria-disabled={reading}>
          {t('uploads.photos.upload', { count: pages.length })}
        </button>
      ) : null}
    </section>
  );
}
