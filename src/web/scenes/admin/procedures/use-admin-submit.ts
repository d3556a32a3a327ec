/**
 * What every form of the catalogue's console does on submit: check here
 * first (problems found are shown, nothing is sent), then send once at a
 * time; the API's field refusals go to their fields, any other failure to
 * the top of the form; the error summary takes focus on every failed try.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SummaryError } from '../../../components/error-summary.tsx';
import { apiIssues, fieldId, type Issue } from './admin-issues.ts';

export function useAdminSubmit() {
  const { t } = useTranslation();
  const [issues, setIssues] = useState<Issue[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [submits, setSubmits] = useState(0);
  const [busy, setBusy] = useState(false);

  /** Shows `found` if there are any; otherwise runs `send`. */
  const run = async (found: Issue[], send: () => Promise<void>): Promise<void> => {
    if (busy) return;
    setProblem(null);
    setSubmits((n) => n + 1);
    if (found.length > 0) {
      setIssues(found);
      return;
    }
    setBusy(true);
    try {
      await send();
      setIssues([]);
    } catch (error) {
      const fromApi = apiIssues(error);
      if (fromApi) setIssues(fromApi);
      else setProblem(error instanceof Error && error.message ? error.message : t('admin.saveFailed'));
    } finally {
      setBusy(false);
    }
  };

  /** The error summary's entries: the form's problem, then each field's message linking to it. */
  const summary = (messages: Record<string, string>): SummaryError[] => [
    ...(problem ? [{ message: problem }] : []),
    ...Object.entries(messages).map(([path, message]) => ({ message, fieldId: fieldId(path) })),
  ];

  return { issues, busy, submits, run, summary };
}

/** `list` with the item at `index` moved by one place up (-1) or down (1). */
export function moved<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const next = [...list];
  const [item] = next.splice(index, 1);
  if (item !== undefined) next.splice(index + by, 0, item);
  return next;
}
