/**
 * The ways to send one slot's document, for pages other than the documents
 * page (the phone's page, a document asked for during the call): choose a
 * file or photograph the pages, the progress while it goes, and what the
 * page wants to say once it has arrived. Built from the documents page's
 * own pieces, so both behave alike.
 */
import type { ReactNode } from 'react';
import type { DocumentSlotView } from '../../../../shared/documents.ts';
import { FilePick } from './file-pick.tsx';
import { PhotoCapture } from './photo-capture.tsx';
import { UploadAnnouncer, UploadProgress } from './upload-progress.tsx';
import type { UploadController } from './use-tus-upload.ts';

/** Props of {@link SlotUploadForm}. */
export interface SlotUploadFormProps {
  slot: DocumentSlotView;
  controller: UploadController;
  /** The file input's hint. */
  hint: string;
  /** Shown instead of the form once the upload has arrived (the form comes back when the page dismisses the upload). */
  done: ReactNode;
  /** Called when a chosen file was refused before upload. */
  onRefused?: () => void;
}

/** File, photos and progress for one slot. */
export function SlotUploadForm({ slot, controller, hint, done, onRefused }: SlotUploadFormProps) {
  const upload = controller.uploads[slot.slot];
  const failure = controller.failures[slot.slot];
  const acceptsPdf = slot.acceptedTypes.includes('application/pdf');
  return (
    <>
      <UploadAnnouncer upload={upload} />
      {upload && upload.phase !== 'done' ? (
        <UploadProgress
          upload={upload}
          actions={{
            onPause: () => controller.pause(slot.slot),
            onResume: () => controller.resume(slot.slot),
            onCancel: () => controller.cancel(slot.slot),
          }}
        />
      ) : null}
      {upload?.phase === 'done' ? done : null}
      {upload === undefined && slot.open ? (
        <>
          <FilePick slot={slot} controller={controller} error={failure?.source === 'file' ? failure.message : undefined} hint={hint} onRefused={onRefused} />
          {acceptsPdf ? <PhotoCapture slot={slot} controller={controller} error={failure?.source === 'photos' ? failure.message : undefined} /> : null}
        </>
      ) : null}
    </>
  );
}
