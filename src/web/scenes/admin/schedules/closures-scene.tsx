/**
 * Holidays and closures (`/staff/admin/schedules/closures`): add one (the
 * whole organisation or one agent, all day or some hours, or one agent's
 * special hours), the list of the next twelve months with "Remove", and
 * the import of an .ics file — checked first, showing what will be added
 * and what was left out and why, then imported on a second press. A
 * closure that would strand booked appointments is refused with the list.
 */
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addClosure, fetchAgents, fetchClosures, importClosures, removeClosure, type ClosureBody, type ClosureView, type ImportView } from '../../../api/admin-schedules-api.ts';
import { Loading } from '../../../components/content.tsx';
import { describedBy, ErrorMessage } from '../../../components/error-message.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { StaffSelect, type SelectOption } from '../../../components/staff-select.tsx';
import { StaffTable } from '../../../components/staff-table.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { addDays, formatDayWithYear, localDateOf } from '../../../i18n/format.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { Feedback, SchedulesNav, usePageFeedback, useScheduleAction } from './schedules-common.tsx';

const EMPTY: ClosureBody = { date: '', staffId: '', kind: 'closed', start: '', end: '', reason: '' };
const FIELDS: Record<string, string> = { date: 'closure-date', staffId: 'closure-who', kind: 'closure-kind', start: 'closure-start', end: 'closure-end', reason: 'closure-reason' };
const IMPORT_FIELDS: Record<string, string> = { content: 'ics-file', staffId: 'ics-who' };
/** The largest file read (the server refuses more). */
const MAX_FILE = 256 * 1024;

/** The closures page. */
export function ClosuresScene() {
  const { t, i18n } = useTranslation();
  const session = useStaffSession();
  const organisation = useOrganisation();
  const feedback = usePageFeedback();
  useStaffPageTitle(t('adminSchedules.closures.title'), feedback.problems.length > 0);
  const today = localDateOf(new Date(), organisation.timeZone);
  const [reload, setReload] = useState(0);
  const [state, retry] = useLoad(async (signal) => {
    const [closures, agents] = await Promise.all([fetchClosures(today, addDays(today, 365), signal), fetchAgents(signal)]);
    return { closures, agents };
  }, [reload, today]);
  const [draft, setDraft] = useState<ClosureBody>(EMPTY);
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [importFor, setImportFor] = useState('');
  const [preview, setPreview] = useState<ImportView | null>(null);
  const set = (patch: Partial<ClosureBody>) => setDraft((d) => ({ ...d, ...patch }));
  const day = (date: string) => formatDayWithYear(date, i18n.language);

  const people: SelectOption[] = [
    { value: '', label: t('adminSchedules.closures.everyone') },
    ...(state.status === 'ready' ? state.data.agents.filter((a) => a.active).map((a) => ({ value: a.id, label: a.displayName })) : []),
  ];

  const { busy, run } = useScheduleAction(feedback, () => setReload((n) => n + 1));

  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const added = await addClosure(session.csrfToken, draft);
      setDraft(EMPTY);
      return t('adminSchedules.closures.added', { date: day(added.date) });
    }, FIELDS);
  };

  const remove = (c: ClosureView) =>
    void run(async () => {
      await removeClosure(session.csrfToken, c.id);
      return t('adminSchedules.closures.removed', { date: day(c.date) });
    }, {});

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    setPreview(null);
    const chosen = event.target.files?.[0];
    if (!chosen) return setFile(null);
    if (chosen.size > MAX_FILE) {
      setFile(null);
      feedback.fail([{ message: t('adminSchedules.errors.file_too_large'), fieldId: 'ics-file' }]);
      return;
    }
    chosen.text().then(
      (content) => setFile({ name: chosen.name, content }),
      () => feedback.fail([{ message: t('adminSchedules.closures.fileUnreadable'), fieldId: 'ics-file' }]),
    );
  };

  const check = (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      feedback.fail([{ message: t('adminSchedules.closures.fileRequired'), fieldId: 'ics-file' }]);
      return;
    }
    void run(async () => {
      setPreview(await importClosures(session.csrfToken, { content: file.content, staffId: importFor, commit: false }));
      return '';
    }, IMPORT_FIELDS);
  };

  const commit = () => {
    if (!file) return;
    void run(async () => {
      const result = await importClosures(session.csrfToken, { content: file.content, staffId: importFor, commit: true });
      setPreview(null);
      setFile(null);
      return t('adminSchedules.closures.imported', { count: result.closures.length });
    }, IMPORT_FIELDS);
  };

  const hours = (c: { kind?: string; start: string | null; end: string | null }) =>
    c.start && c.end ? (c.kind === 'open' ? t('adminSchedules.closures.openHours', { start: c.start, end: c.end }) : `${c.start}–${c.end}`) : t('adminSchedules.closures.allDay');
  const fileError = feedback.errorOf('ics-file');

  return (
    <>
      <Feedback feedback={feedback} />
      <PageHeading caption={t('adminSchedules.title')}>{t('adminSchedules.closures.title')}</PageHeading>
      <SchedulesNav />
      <p className="body">{t('adminSchedules.closures.intro')}</p>

      <section aria-labelledby="add-closure-heading" className="schedules-form">
        <h2 id="add-closure-heading" className="heading-m">
          {t('adminSchedules.closures.addHeading')}
        </h2>
        <form onSubmit={add} noValidate>
          <TextField id="closure-date" name="date" type="date" label={t('adminSchedules.closures.date')} value={draft.date} onChange={(date) => set({ date })} error={feedback.errorOf('closure-date')} width="half" />
          <StaffSelect id="closure-who" name="staffId" label={t('adminSchedules.closures.who')} value={draft.staffId} options={people} onChange={(staffId) => set({ staffId })} error={feedback.errorOf('closure-who')} />
          <StaffSelect
            id="closure-kind"
            name="kind"
            label={t('adminSchedules.closures.kind')}
            value={draft.kind}
            options={[
              { value: 'closed', label: t('adminSchedules.closures.kindClosed') },
              { value: 'open', label: t('adminSchedules.closures.kindOpen') },
            ]}
            onChange={(kind) => set({ kind: kind === 'open' ? 'open' : 'closed' })}
            error={feedback.errorOf('closure-kind')}
          />
          <div className="schedules-row">
            <TextField id="closure-start" name="start" label={t('adminSchedules.closures.start')} hint={t('adminSchedules.closures.timesHint')} value={draft.start} onChange={(start) => set({ start })} error={feedback.errorOf('closure-start')} inputMode="numeric" maxLength={5} width="quarter" />
            <TextField id="closure-end" name="end" label={t('adminSchedules.closures.end')} hint={t('adminSchedules.closures.timesHint')} value={draft.end} onChange={(end) => set({ end })} error={feedback.errorOf('closure-end')} inputMode="numeric" maxLength={5} width="quarter" />
          </div>
          <TextField id="closure-reason" name="reason" label={t('adminSchedules.closures.reason')} value={draft.reason} onChange={(reason) => set({ reason })} error={feedback.errorOf('closure-reason')} maxLength={200} />
          <button type="submit" className="button" aria-disabled={busy}>
            {t('adminSchedules.closures.add')}
          </button>
        </form>
      </section>

      <section aria-labelledby="import-heading" className="schedules-form">
        <h2 id="import-heading" className="heading-m">
          {t('adminSchedules.closures.importHeading')}
        </h2>
        <form onSubmit={check} noValidate>
          <div className={fileError ? 'form-group form-group--error' : 'form-group'}>
            <label className="label" htmlFor="ics-file">
              {t('adminSchedules.closures.file')}
            </label>
            <div id="ics-file-hint" className="hint">
              {t('adminSchedules.closures.fileHint')}
            </div>
            {fileError ? <ErrorMessage id="ics-file-error" message={fileError} /> : null}
            <input id="ics-file" name="file" type="file" accept=".ics,text/calendar" className="doc-file-input" aria-describedby={describedBy('ics-file-hint', fileError ? 'ics-file-error' : undefined)} onChange={choose} />
          </div>
          <StaffSelect id="ics-who" name="staffId" label={t('adminSchedules.closures.importWho')} value={importFor} options={people} onChange={(v) => { setImportFor(v); setPreview(null); }} error={feedback.errorOf('ics-who')} />
          <button type="submit" className="button button--secondary" aria-disabled={busy}>
            {t('adminSchedules.closures.check')}
          </button>
        </form>
        {preview ? <ImportPreview preview={preview} hours={hours} day={day} busy={busy} onImport={commit} /> : null}
      </section>

      <section aria-labelledby="closures-heading">
        <h2 id="closures-heading" className="heading-m">
          {t('adminSchedules.closures.listHeading')}
        </h2>
        {state.status === 'loading' ? <Loading /> : null}
        {state.status === 'error' ? <LoadProblem error={state.error} onRetry={retry} /> : null}
        {state.status === 'ready' && state.data.closures.length === 0 ? <p className="body">{t('adminSchedules.closures.none')}</p> : null}
        {state.status === 'ready' && state.data.closures.length > 0 ? (
          <StaffTable
            id="closures"
            caption={t('adminSchedules.closures.caption')}
            columns={[
              t('adminSchedules.closures.col.date'),
              t('adminSchedules.closures.col.who'),
              t('adminSchedules.closures.col.hours'),
              t('adminSchedules.closures.col.reason'),
              t('adminSchedules.closures.col.actions'),
            ]}
            wrapClassName="schedules-table-wrap"
            tableClassName="schedules-table"
          >
            {state.data.closures.map((c) => (
              <tr key={c.id}>
                <th scope="row">{day(c.date)}</th>
                <td>{c.staffName ?? t('adminSchedules.closures.everyone')}</td>
                <td>{hours(c)}</td>
                <td>{c.reason}</td>
                <td>
                  <button type="button" className="button button--warning button--inline" aria-disabled={busy} aria-label={t('adminSchedules.closures.removeLabel', { date: day(c.date) })} onClick={() => remove(c)}>
                    {t('adminSchedules.closures.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </StaffTable>
        ) : null}
      </section>
    </>
  );
}

interface ImportPreviewProps {
  preview: ImportView;
  hours: (c: { start: string | null; end: string | null }) => string;
  day: (date: string) => string;
  busy: boolean;
  onImport: () => void;
}

/** What a checked file holds: the closures to import, the events left out and why, and the button that imports. */
function ImportPreview({ preview, hours, day, busy, onImport }: ImportPreviewProps) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  // The result of "Check the file" appears below the form: move there, as a new page would.
  useEffect(() => heading.current?.focus(), [preview]);
  return (
    <div className="schedules-preview" role="region" aria-labelledby="preview-heading">
      <h3 id="preview-heading" ref={heading} className="heading-s" tabIndex={-1}>
        {t('adminSchedules.closures.previewHeading')}
      </h3>
      {preview.closures.length === 0 ? (
        <p className="body">{t('adminSchedules.closures.noneToImport')}</p>
      ) : (
        <div className="staff-table-wrap schedules-table-wrap" role="region" aria-labelledby="to-import-caption" tabIndex={0}>
          <table className="staff-table schedules-table">
            <caption id="to-import-caption" className="schedules-table__caption">
              {t('adminSchedules.closures.toImportCaption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('adminSchedules.closures.col.date')}</th>
                <th scope="col">{t('adminSchedules.closures.col.hours')}</th>
                <th scope="col">{t('adminSchedules.closures.col.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.closures.map((c) => (
                <tr key={`${c.date}-${c.start ?? ''}-${c.summary}`}>
                  <th scope="row">{day(c.date)}</th>
                  <td>{hours(c)}</td>
                  <td>{c.summary || t('adminSchedules.closures.untitled')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {preview.skipped.length > 0 ? (
        <div className="staff-table-wrap schedules-table-wrap" role="region" aria-labelledby="skipped-caption" tabIndex={0}>
          <table className="staff-table schedules-table">
            <caption id="skipped-caption" className="schedules-table__caption">
              {t('adminSchedules.closures.skippedCaption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('adminSchedules.closures.event')}</th>
                <th scope="col">{t('adminSchedules.closures.line')}</th>
                <th scope="col">{t('adminSchedules.closures.why')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.skipped.map((s, i) => (
                <tr key={`${String(i)}-${s.summary}`}>
                  <th scope="row">{s.summary || t('adminSchedules.closures.untitled')}</th>
                  <td>{s.line > 0 ? s.line : '—'}</td>
                  <td>{t(`adminSchedules.closures.skip.${s.reason}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {preview.closures.length > 0 ? (
        <button type="button" className="button" aria-disabled={busy} onClick={onImport}>
          {t('adminSchedules.closures.import', { count: preview.closures.length })}
        </button>
      ) : null}
    </div>
  );
}
