/**
 * The error summary shown at the top of a page after a failed submit (GOV.UK
 * error summary): it takes focus, is announced, and links to each field.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** One problem: a message and, when it belongs to a field, that field's element id. */
export interface SummaryError {
  message: string;
  fieldId?: string | undefined;
}

/** Props of {@link ErrorSummary}. */
export interface ErrorSummaryProps {
  errors: readonly SummaryError[];
  /** Change it on every failed submit so focus returns to the summary. */
  focusKey?: number;
}

function focusField(id: string): void {
  const target = document.getElementById(id);
  if (!target) return;
  // Scroll the whole question (legend or label) into view, then focus the control.
  const question = target.closest('fieldset') ?? target.closest('.form-group') ?? target;
  question.scrollIntoView();
  target.focus({ preventScroll: true });
}

/** Lists the problems on the page; renders nothing when there are none. */
export function ErrorSummary({ errors, focusKey = 0 }: ErrorSummaryProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const hasErrors = errors.length > 0;
  useEffect(() => {
    if (hasErrors) ref.current?.focus();
  }, [hasErrors, focusKey]);
  if (!hasErrors) return null;
  return (
    <div ref={ref} className="error-summary" tabIndex={-1} role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title" className="error-summary__title">
        {t('common.errorSummaryTitle')}
      </h2>
      <ul className="error-summary__list">
        {errors.map((error) => (
          <li key={`${error.fieldId ?? ''}:${error.message}`}>
            {error.fieldId ? (
              <a
                href={`#${error.fieldId}`}
                onClick={(event) => {
                  event.preventDefault();
                  if (error.fieldId) focusField(error.fieldId);
                }}
              >
                {error.message}
              </a>
            ) : (
              error.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
