/** Sentences about a slot that several pages show: its limits, and the problems found with a chosen file. */
import type { TFunction } from 'i18next';
import { DOCUMENT_LIMITS, OTHER_SLOT, type DocumentSlotView, type DocumentSpaceView } from '../../../../shared/documents.ts';
import { formatFileTypes } from '../../../i18n/format.ts';
import type { FileProblem } from './file-checks.ts';
import { formatBytes } from './transfer-stats.ts';

/** "Accepted formats: PDF, JPG and PNG. Maximum size: 10 MB." */
export function limitsText(slot: Pick<DocumentSlotView, 'acceptedTypes' | 'maxBytes'>, t: TFunction, language: string): string {
  return t('uploads.limits', { types: formatFileTypes(slot.acceptedTypes, language), size: formatBytes(slot.maxBytes, language) });
}

/** The message for a problem found before uploading (GOV.UK file upload error wording). */
export function fileProblemMessage(
  problem: FileProblem,
  slot: Pick<DocumentSlotView, 'acceptedTypes' | 'maxBytes'>,
  t: TFunction,
  language: string,
): string {
  switch (problem) {
    case 'empty':
      return t('uploads.errors.empty');
    case 'too_large':
      return t('uploads.errors.tooLarge', { size: formatBytes(slot.maxBytes, language) });
    case 'wrong_type':
      return t('uploads.errors.wrongType', { types: formatFileTypes(slot.acceptedTypes, language) });
    case 'name_too_long':
      return t('uploads.errors.nameTooLong', { max: DOCUMENT_LIMITS.fileNameMax });
  }
}

/**
 * The view with the "other documents" slot named and described in the UI
 * language (the server leaves both empty for the client's translations).
 */
export function withOtherSlotNamed(view: DocumentSpaceView, t: TFunction): DocumentSpaceView {
  return {
    ...view,
    slots: view.slots.map((slot) =>
      slot.slot === OTHER_SLOT
        ? { ...slot, name: slot.name || t('uploads.other.name'), description: slot.description || t('uploads.other.description') }
        : slot,
    ),
  };
}
