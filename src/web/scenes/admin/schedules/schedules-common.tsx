/**
 * What the pages of the offices-and-schedules section share: the section's
 * navigation, one error summary and success banner per page, the server's
 * field refusals turned into translated messages next to their fields, and
 * the list of booked appointments a refused change would have stranded,
 * each linked to its staff page (where it can be reassigned).
 */
import type { TFunction } from 'i18next';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink } from 'react-router';
import { orphansOf, type OrphanView } from '../../../api/admin-schedules-api.ts';
import { ApiError } from '../../../api/client.ts';
import { ErrorSummary, type SummaryError } from '../../../components/error-summary.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { StaffSuccessBanner } from '../../../components/staff-banner.tsx';
import { StaffTable } from '../../../components/staff-table.tsx';
import { formatDayWithYear } from '../../../i18n/format.ts';
import { readIssues } from '../../citizen/details-validation.ts';

/** The section's base address. */
export const SCHEDULES_BASE = '/staff/admin/schedules';

/** The sub-pages in the section's navigation. */
const PAGES = [
  { to: SCHEDULES_BASE, key: 'agents', end: true },
  { to: `${SCHEDULES_BASE}/offices`, key: 'offices', end: false },
  { to: `${SCHEDULES_BASE}/closures`, key: 'closures', end: false },
  { to: `${SCHEDULES_BASE}/calendar`, key: 'calendar', end: false },
] as const;

/** The section's own navigation (a second level under the console's). */
export function SchedulesNav() {
  const { t } = useTranslation();
  return (
    <nav className="schedules-nav" aria-label={t('adminSchedules.nav.label')}>
      <ul className="schedules-nav__links">
        {PAGES.map((p) => (
          <li key={p.key}>
            <NavLink to={p.to} end={p.end} className="schedules-nav__link">
              {t(`adminSchedules.nav.${p.key}`)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A field refusal code as words. */
export function issueMessage(code: string, t: TFunction): string {
  const key = `adminSchedules.errors.${code}`;
  const text = t(key);
  return text === key ? t('adminSchedules.errors.invalid') : text;
}

/**
 * The problems to show for a failed call: one per refused field (linked to
 * its input through `fieldIds`, API field → element id), else the server's
 * translated message.
 */
export function problemsOf(error: unknown, t: TFunction, fieldIds: Record<string, string>): SummaryError[] {
  if (error instanceof ApiError && error.id === 'validation_failed') {
    const found = readIssues(error.details).map((issue) => ({ message: issueMessage(issue.code, t), fieldId: fieldIds[issue.path] }));
    if (found.length > 0) return found;
  }
  return [{ message: problemMessage(error, t) }];
}

/** A page's feedback: error summary, success banner, and the appointments in the way of a refused change. */
export function usePageFeedback() {
  const [problems, setProblems] = useState<SummaryError[]>([]);
  const [orphans, setOrphans] = useState<OrphanView[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [submits, setSubmits] = useState(0);
  const start = useCallback(() => {
    setProblems([]);
    setOrphans(null);
    setNotice(null);
  }, []);
  const fail = useCallback((found: SummaryError[], error?: unknown) => {
    setNotice(null);
    setProblems(found);
    setOrphans(error === undefined ? null : orphansOf(error));
    setSubmits((n) => n + 1);
  }, []);
  const done = useCallback((message: string) => {
    setProblems([]);
    setOrphans(null);
    setNotice(message);
  }, []);
  const errorOf = (fieldId: string) => problems.find((p) => p.fieldId === fieldId)?.message;
  return { problems, orphans, notice, submits, start, fail, done, errorOf };
}

/** The top of a page: success banner or error summary, and the appointments in the way. */
/**
 * Runs one change of a schedules page at a time: the page's feedback
 * cleared, the success message or the problems (linked to `fieldIds`)
 * shown, and `onDone` (reload the page's data) after a success.
 */
export function useScheduleAction(feedback: ReturnType<typeof usePageFeedback>, onDone: () => void) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<string>, fieldIds: Record<string, string>) => {
    if (busy) return;
    feedback.start();
    setBusy(true);
    try {
      feedback.done(await action());
      onDone();
    } catch (error) {
      feedback.fail(problemsOf(error, t, fieldIds), error);
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}

export function Feedback({ feedback }: { feedback: ReturnType<typeof usePageFeedback> }) {
  return (
    <>
      {feedback.notice ? <StaffSuccessBanner message={feedback.notice} /> : null}
      <ErrorSummary errors={feedback.problems} focusKey={feedback.submits} />
      {feedback.orphans && feedback.orphans.length > 0 ? <OrphanList orphans={feedback.orphans} /> : null}
    </>
  );
}

/** The booked appointments a change would have stranded, each linked to its staff page. */
export function OrphanList({ orphans }: { orphans: readonly OrphanView[] }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="schedules-orphans" aria-labelledby="orphans-heading">
      <h2 id="orphans-heading" className="heading-m">
        {t('adminSchedules.orphans.heading')}
      </h2>
      <p className="body">{t('adminSchedules.orphans.intro')}</p>
      <StaffTable
        id="orphans"
        caption={t('adminSchedules.orphans.caption')}
        columns={[
          t('adminSchedules.orphans.reference'),
          t('adminSchedules.orphans.date'),
          t('adminSchedules.orphans.time'),
          t('adminSchedules.orphans.procedure'),
          t('adminSchedules.orphans.agent'),
        ]}
        wrapClassName="schedules-table-wrap"
        tableClassName="schedules-table"
      >
        {orphans.map((o) => (
          <tr key={o.id}>
            <th scope="row">
              <Link to={`/staff/appointments/${encodeURIComponent(o.id)}`}>{o.reference}</Link>
            </th>
            <td>{formatDayWithYear(o.date, i18n.language)}</td>
            <td>{o.time}</td>
            <td>{o.procedure}</td>
            <td>{o.agent}</td>
          </tr>
        ))}
      </StaffTable>
    </section>
  );
}
