/**
 * What the documents section of the appointment page says after an action:
 * a success banner or an error summary (GOV.UK patterns, as the page's own),
 * at the top of the section, taking focus so it is read out. Their ids differ
 * from the page's own banner and summary, which may show at the same time.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SummaryError } from '../../../components/error-summary.tsx';

function focusField(id: string): void {
  const target = document.getElementById(id);
  if (!target) return;
  (target.closest('.form-group') ?? target).scrollIntoView();
  target.focus({ preventScroll: true });
}

/** Props of {@link SectionFeedback}. */
export interface SectionFeedbackProps {
  /** Prefix of the element ids, unique on the page. */
  idPrefix: string;
  notice: string | null;
  errors: readonly SummaryError[];
  /** Changes on every new message, so focus returns to it. */
  focusKey: number;
}

/** The banner or the error summary; nothing when there is neither. */
export function SectionFeedback({ idPrefix, notice, errors, focusKey }: SectionFeedbackProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const showing = errors.length > 0 ? 'errors' : notice ? 'notice' : null;
  useEffect(() => {
    if (showing) ref.current?.focus();
  }, [showing, focusKey]);
  if (showing === 'errors') {
    return (
      <div ref={ref} className="error-summary" tabIndex={-1} role="alert" aria-labelledby={`${idPrefix}-error-title`}>
        <h3 id={`${idPrefix}-error-title`} className="error-summary__title">
          {t('common.errorSummaryTitle')}
        </h3>
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
  if (showing === 'notice') {
    return (
      <div ref={ref} className="staff-banner" role="alert" tabIndex={-1} aria-labelledby={`${idPrefix}-banner-title`}>
        <h3 id={`${idPrefix}-banner-title`} className="staff-banner__title">
          {t('staff.detail.successTitle')}
        </h3>
        <p className="staff-banner__text">{notice}</p>
      </div>
    );
  }
  return null;
}
