/** Small presentational blocks of the design system: panel, inset text, warning, tag, summary list. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** The green confirmation panel of a completed transaction. */
export function Panel({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="panel">
      {title}
      {children ? <div className="panel__body">{children}</div> : null}
    </div>
  );
}

/** Text set apart with a left border: a note the reader should not miss. */
export function InsetText({ children }: { children: ReactNode }) {
  return <div className="inset-text">{children}</div>;
}

/** An important warning, with a "!" icon and a visually hidden "Warning". */
export function WarningText({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="warning-text">
      <span className="warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong className="warning-text__text">
        <span className="visually-hidden">{t('common.warning')} </span>
        {children}
      </strong>
    </div>
  );
}

/** A status label; the word carries the meaning, the colour only supports it. */
export function Tag({ children, colour }: { children: ReactNode; colour: 'blue' | 'green' | 'grey' | 'red' | 'yellow' }) {
  return <strong className={`tag tag--${colour}`}>{children}</strong>;
}

/** One row of a summary list, with an optional "Change" link. */
export interface SummaryRow {
  key: string;
  label: ReactNode;
  value: ReactNode;
  change?: { to: string; label: string } | undefined;
}

/** Key-value rows (check your answers, appointment details). */
export function SummaryList({ rows }: { rows: readonly SummaryRow[] }) {
  const { t } = useTranslation();
  return (
    <dl className="summary-list">
      {rows.map((row) => (
        <div className="summary-list__row" key={row.key}>
          <dt className="summary-list__key">{row.label}</dt>
          <dd className="summary-list__value">{row.value}</dd>
          {row.change ? (
            <dd className="summary-list__actions">
              <Link to={row.change.to} aria-label={row.change.label}>
                {t('common.change')}
              </Link>
            </dd>
          ) : null}
        </div>
      ))}
    </dl>
  );
}

/** A loading message announced politely to screen readers. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="body loading" role="status">
      {t('common.loading')}
    </p>
  );
}
