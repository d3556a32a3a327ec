/**
 * What the Organ seal and Integrations pages share: one error summary and
 * success banner per page, the server's field refusals as translated
 * messages beside their fields, and dates in the organisation's zone.
 */
import type { TFunction } from 'i18next';
import { useCallback, useState } from 'react';
import { ApiError } from '../../../api/client.ts';
import { ErrorSummary, type SummaryError } from '../../../components/error-summary.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { StaffSuccessBanner } from '../../../components/staff-banner.tsx';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import { readIssues } from '../../citizen/details-validation.ts';

/** A field refusal code of `section` as words (falling back to a generic "not valid"). */
export function issueMessage(section: 'seal' | 'integrations' | 'caseManagement', field: string, code: string, t: TFunction): string {
  const key = `adminIntegrations.${section}.errors.${field}.${code}`;
  const text = t(key);
  return text === key ? t(`adminIntegrations.${section}.errors.invalid`) : text;
}

/**
 * The problems to show for a failed call: one per refused field (linked to
 * its input through `fieldIds`, API field → element id), else the server's
 * translated message — on the field `serverField` names for that error id, if any.
 */
export function problemsOf(
  error: unknown,
  t: TFunction,
  section: 'seal' | 'integrations' | 'caseManagement',
  fieldIds: Record<string, string>,
  serverField: (id: string) => string | undefined = () => undefined,
): SummaryError[] {
  if (error instanceof ApiError && error.id === 'validation_failed') {
    const found = readIssues(error.details).map((issue) => {
      const field = issue.path.split('.')[0] ?? '';
      return { message: issueMessage(section, field, issue.code, t), fieldId: fieldIds[field] };
    });
    if (found.length > 0) return found;
  }
  const fieldId = error instanceof ApiError ? serverField(error.id) : undefined;
  return [{ message: problemMessage(error, t), fieldId }];
}

/** A page's feedback: error summary and success banner. */
export function usePageFeedback() {
  const [problems, setProblems] = useState<SummaryError[]>([]);
  const [notice, setNotice] = useState<{ message: string; detail?: string | undefined } | null>(null);
  const [submits, setSubmits] = useState(0);
  const start = useCallback(() => {
    setProblems([]);
    setNotice(null);
  }, []);
  const fail = useCallback((found: SummaryError[]) => {
    setNotice(null);
    setProblems(found);
    setSubmits((n) => n + 1);
  }, []);
  const done = useCallback((message: string, detail?: string) => {
    setProblems([]);
    setNotice({ message, detail });
  }, []);
  const errorOf = (fieldId: string) => problems.find((p) => p.fieldId === fieldId)?.message;
  return { problems, notice, submits, start, fail, done, errorOf };
}

/** The top of a page: the success banner or the error summary. */
export function Feedback({ feedback }: { feedback: ReturnType<typeof usePageFeedback> }) {
  return (
    <>
      {feedback.notice ? <StaffSuccessBanner message={feedback.notice.message} detail={feedback.notice.detail} /> : null}
      <ErrorSummary errors={feedback.problems} focusKey={feedback.submits} />
    </>
  );
}

/** An instant as "date, time" in the organisation's zone. */
export function formatInstant(iso: string, timeZone: string, language: string): string {
  return `${formatInstantDate(iso, timeZone, language)}, ${formatInstantTime(iso, timeZone, language)}`;
}
