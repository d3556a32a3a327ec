/**
 * "Choose a file" for one slot: the file input with its label, hint and
 * error, the checks made before any byte is sent (type, size, name), and the
 * upload started on the slot's controller. The documents page and the
 * phone's page both use it.
 */
import type { ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentSlotView } from '../../../../shared/documents.ts';
import { describedBy, ErrorMessage } from '../../../components/error-message.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { acceptAttribute, checkFile } from './file-checks.ts';
import { fileProblemMessage } from './slot-text.ts';
import type { UploadController } from './use-tus-upload.ts';

/** Id of the file input, for the error summary's link. */
export const FILE_INPUT_ID = 'document-file';

/** Props of {@link FilePick}. */
export interface FilePickProps {
  slot: Pick<DocumentSlotView, 'slot' | 'acceptedTypes' | 'acceptedExtensions' | 'maxBytes'>;
  controller: Pick<UploadController, 'start' | 'fail'>;
  /** The current error of the file path, if any. */
  error: string | undefined;
  hint: string;
  /** Called when a file was chosen (before it is checked), e.g. to clear an earlier notice. */
  onChosen?: () => void;
  /** Called when the chosen file was refused before upload, so the page can move focus to its error summary. */
  onRefused?: () => void;
}

/** The file path of one slot. */
export function FilePick({ slot, controller, error, hint, onChosen, onRefused }: FilePickProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const errorId = error ? `${FILE_INPUT_ID}-error` : undefined;

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared at once, so choosing the same file again (after fixing a problem) fires again.
    input.value = '';
    if (!file) return;
    onChosen?.();
    const problem = checkFile(file, slot);
    if (problem) {
      controller.fail(slot.slot, { message: fileProblemMessage(problem, slot, t, language), source: 'file' });
      onRefused?.();
      return;
    }
    controller.start(slot.slot, file, 'file');
  };

  return (
    <div className={error ? 'form-group form-group--error' : 'form-group'}>
      <label className="label" htmlFor={FILE_INPUT_ID}>
        {t('uploads.upload.label')}
      </label>
      <div id={`${FILE_INPUT_ID}-hint`} className="hint">
        {hint}
      </div>
      {error && errorId ? <ErrorMessage id={errorId} message={error} /> : null}
      <input
        id={FILE_INPUT_ID}
        className={error ? 'doc-file-input doc-file-input--error' : 'doc-file-input'}
        type="file"
        accept={acceptAttribute(slot)}
        aria-describedby={describedBy(`${FILE_INPUT_ID}-hint`, errorId)}
        onChange={choose}
      />
    </div>
  );
}
