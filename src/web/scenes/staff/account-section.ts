/**
 * How the sections of the account page talk to the page: the page owns the
 * one error summary and the one success banner, and each field's inline
 * error is read back from the summary, so the two always agree.
 */
import type { SummaryError } from '../../components/error-summary.tsx';

/** Props every section of the account page receives. */
export interface AccountSectionProps {
  csrfToken: string;
  /** The inline error of a field (by element id), from the page's error summary. */
  errorOf: (fieldId: string) => string | undefined;
  /** A new attempt starts: clear earlier messages. */
  onStart: () => void;
  /** A change succeeded: say so, with an optional second sentence. */
  onDone: (message: string, detail?: string) => void;
  /** Something is wrong: the problems for the error summary. */
  onError: (problems: SummaryError[]) => void;
}
