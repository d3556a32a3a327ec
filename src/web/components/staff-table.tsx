/**
 * The data table of the staff and admin pages, and the loading / problem /
 * "none" states of the list it shows. One place for the scaffold so every
 * table keeps the markup the accessibility checks rely on.
 */
import type { ReactNode } from 'react';
import type { LoadState } from '../hooks/use-load.ts';
import { Loading } from './content.tsx';
import { LoadProblem } from './problem.tsx';

/** One column header of a {@link StaffTable}. */
export interface StaffTableColumn {
  label: string;
  /**
   * Read to screen readers but not shown: for a column whose cells say
   * what they are (a row's buttons), where a visible header would be noise
   * but an empty `<th>` would leave the column unnamed.
   */
  hidden?: boolean;
  /** Extra class on the header cell, e.g. `schedules-table__number` to align a count with its cells. */
  className?: string;
}

/** Props of {@link StaffTable}. */
export interface StaffTableProps {
  /** Prefix of the caption's id (`<id>-caption`), which also names the scroll region. */
  id: string;
  /** The table's caption, visually hidden: the page heading already says what the table is. */
  caption: ReactNode;
  /** Column headers, in order; a plain label is a visible header. */
  columns: readonly (string | StaffTableColumn)[];
  /** Classes added after `staff-table-wrap`, for pages with their own table styles. */
  wrapClassName?: string;
  /** Classes added after `staff-table`. */
  tableClassName?: string;
  /** The body rows. */
  children: ReactNode;
}

function classes(base: string, extra: string | undefined): string {
  return extra ? `${base} ${extra}` : base;
}

/**
 * A table in a focusable, labelled scroll region: on a narrow screen a wide
 * table scrolls sideways, and keyboard users need to reach the region to
 * scroll it (WCAG 2.1.1), which then needs a name (the caption).
 */
export function StaffTable({ id, caption, columns, wrapClassName, tableClassName, children }: StaffTableProps) {
  const captionId = `${id}-caption`;
  return (
    <div className={classes('staff-table-wrap', wrapClassName)} role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className={classes('staff-table', tableClassName)}>
        <caption id={captionId} className="visually-hidden">
          {caption}
        </caption>
        <thead>
          <tr>
            {columns.map((column, index) => {
              const { label, hidden, className }: StaffTableColumn = typeof column === 'string' ? { label: column } : column;
              return (
                // The headers are a fixed list that never reorders, so the position is a stable key.
                <th key={index} scope="col" className={className}>
                  {hidden ? <span className="visually-hidden">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Props of {@link LoadedRows}. */
export interface LoadedRowsProps<T> {
  /** The list's load, from `useLoad`. */
  loaded: LoadState<readonly T[]>;
  /** Loads again after a problem. */
  onRetry: () => void;
  /** What to say when the list is empty. */
  none: ReactNode;
  /** Renders a list that has rows (typically a {@link StaffTable}). */
  children: (rows: readonly T[]) => ReactNode;
}

/**
 * A loaded list in its state: loading, a problem with a retry, a sentence
 * when there is nothing, or the rows. While a reload is under way `useLoad`
 * keeps the previous rows, so the table does not flicker away.
 */
export function LoadedRows<T>({ loaded, onRetry, none, children }: LoadedRowsProps<T>) {
  if (loaded.status === 'loading') return <Loading />;
  if (loaded.status === 'error') return <LoadProblem error={loaded.error} onRetry={onRetry} />;
  if (loaded.data.length === 0) return <p className="body">{none}</p>;
  return <>{children(loaded.data)}</>;
}
