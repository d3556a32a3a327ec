/**
 * Re-opening uploads once the deadline has passed: the agent says for how
 * many hours (1 to 14 days' worth, 24 by default) the citizen may upload
 * again. Shown only after the deadline.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffDocumentsView } from '../../../../shared/documents.ts';
import { reopenUploads } from '../../../api/staff-documents-api.ts';
import { problemMessage } from '../../../components/problem.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';

/** Most hours uploads can be re-opened for (the contract's `reopenRequest`). */
export const REOPEN_HOURS_MAX = 24 * 14;

/** The element id of the hours field, for error-summary links. */
export const REOPEN_FIELD_ID = 'reopen-hours';

/** The hours typed, when they are a whole number in range. */
export function parseHours(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const hours = Number(trimmed);
  return hours >= 1 && hours <= REOPEN_HOURS_MAX ? hours : null;
}

/** Props of {@link DocumentsReopen}. */
export interface DocumentsReopenProps {
  appointmentId: string;
  csrfToken: string;
  timeZone: string;
  onDone: (view: StaffDocumentsView, message: string) => void;
  onError: (message: string, fieldId?: string) => void;
  onStart: () => void;
}

/** The "Re-open uploads" form. */
export function DocumentsReopen({ appointmentId, csrfToken, timeZone, onDone, onError, onStart }: DocumentsReopenProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [hours, setHours] = useState('24');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (busy) return;
    onStart();
    const parsed = parseHours(hours);
    if (parsed === null) {
      const message =
        hours.trim() === '' ? t('review.reopen.errors.hoursRequired') : t('review.reopen.errors.hoursInvalid', { max: REOPEN_HOURS_MAX });
      setError(message);
      onError(message, REOPEN_FIELD_ID);
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const view = await reopenUploads(csrfToken, appointmentId, parsed);
      const until = view.reopenedUntil;
      onDone(
        view,
        until
          ? t('review.reopen.done', {
              date: formatInstantDate(until, timeZone, language),
              time: formatInstantTime(until, timeZone, language),
            })
          : t('review.reopen.doneNoDate'),
      );
    } catch (failure) {
      onError(problemMessage(failure, t), REOPEN_FIELD_ID);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="review-reopen">
      <h3 className="heading-s">{t('review.reopen.heading')}</h3>
      <p className="body">{t('review.reopen.intro')}</p>
      <form
        className="staff-filter"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <TextField
          id={REOPEN_FIELD_ID}
          name="hours"
          label={t('review.reopen.hoursLabel')}
          hint={t('review.reopen.hoursHint', { max: REOPEN_HOURS_MAX })}
          value={hours}
          error={error}
          onChange={(value) => {
            setHours(value);
            setError(undefined);
          }}
          inputMode="numeric"
          spellCheck={false}
          width="quarter"
        />
        <button type="submit" className="button button--secondary button--inline" aria-disabled={busy}>
          {t('review.reopen.button')}
        </button>
      </form>
    </div>
  );
}
