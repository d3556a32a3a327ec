/**
 * One agent's weekly hours (`/staff/admin/schedules/agents/:staffId`): the
 * windows as a table, each with "Change" and "Remove", and one form that
 * adds a window or changes the one chosen (weekday, from, to, optional
 * dates and office). A change that would leave booked appointments outside
 * the hours is refused and the appointments are listed with links.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { addWindow, changeWindow, fetchAgentSchedule, removeWindow, type AgentScheduleView, type WindowBody, type WindowView } from '../../../api/admin-schedules-api.ts';
import { BackLink } from '../../../components/back-link.tsx';
import { Loading } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { formatDayWithYear } from '../../../i18n/format.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { Feedback, problemsOf, SCHEDULES_BASE, SchedulesNav, usePageFeedback } from './schedules-common.tsx';
import { weekdayName } from './schedules-format.ts';

const EMPTY: WindowBody = { weekday: 1, start: '', end: '', validFrom: '', validTo: '', officeId: '' };

/** API field → element id, for the error summary's links. */
const FIELDS: Record<string, string> = { weekday: 'weekday', start: 'start', end: 'end', validFrom: 'valid-from', validTo: 'valid-to', officeId: 'office' };

/** The agent's hours page. */
export function AgentHoursScene() {
  const { staffId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const [reload, setReload] = useState(0);
  const [state, retry] = useLoad((signal) => fetchAgentSchedule(staffId, signal), [staffId, reload]);
  const name = state.status === 'ready' ? state.data.agent.displayName : '';
  const feedback = usePageFeedback();
  useStaffPageTitle(name ? t('adminSchedules.hours.title', { name }) : t('adminSchedules.agents.title'), feedback.problems.length > 0);
  return (
    <>
      <BackLink to={SCHEDULES_BASE} />
      <Feedback feedback={feedback} />
      <PageHeading caption={t('adminSchedules.title')}>{name ? t('adminSchedules.hours.title', { name }) : t('adminSchedules.agents.title')}</PageHeading>
      <SchedulesNav />
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <LoadProblem error={state.error} onRetry={retry} /> : null}
      {state.status === 'ready' ? <Hours view={state.data} language={i18n.language} feedback={feedback} onChanged={() => setReload((n) => n + 1)} /> : null}
    </>
  );
}

interface HoursProps {
  view: AgentScheduleView;
  language: string;
  feedback: ReturnType<typeof usePageFeedback>;
  onChanged: () => void;
}

function Hours({ view, language, feedback, onChanged }: HoursProps) {
  const { t } = useTranslation();
  const session = useStaffSession();
  const [draft, setDraft] = useState<WindowBody>(EMPTY);
  const [editing, setEditing] = useState<WindowView | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<WindowBody>) => setDraft((d) => ({ ...d, ...patch }));
  const staffId = view.agent.id;
  const officeName = (id: string | null) => view.offices.find((o) => o.id === id)?.name ?? t('adminSchedules.hours.noOffice');
  const dates = (w: WindowView) => {
    const day = (d: string) => formatDayWithYear(d, language);
    if (w.validFrom && w.validFrom === w.validTo) return day(w.validFrom);
    if (w.validFrom && w.validTo) return t('adminSchedules.hours.between', { from: day(w.validFrom), to: day(w.validTo) });
    if (w.validFrom) return t('adminSchedules.hours.since', { date: day(w.validFrom) });
    if (w.validTo) return t('adminSchedules.hours.until', { date: day(w.validTo) });
    return t('adminSchedules.hours.always');
  };
  const rowLabel = (w: WindowView) => t('adminSchedules.hours.rowLabel', { weekday: weekdayName(w.weekday, language), start: w.start, end: w.end });

  const startEditing = (w: WindowView) => {
    feedback.start();
    setEditing(w);
    setDraft({ weekday: w.weekday, start: w.start, end: w.end, validFrom: w.validFrom ?? '', validTo: w.validTo ?? '', officeId: w.officeId ?? '' });
    window.setTimeout(() => document.getElementById('hours-form-heading')?.focus(), 0);
  };
  const stopEditing = () => {
    setEditing(null);
    setDraft(EMPTY);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    feedback.start();
    setBusy(true);
    try {
      if (editing) {
        await changeWindow(session.csrfToken, staffId, editing.id, draft);
        feedback.done(t('adminSchedules.hours.saved'));
      } else {
        await addWindow(session.csrfToken, staffId, draft);
        feedback.done(t('adminSchedules.hours.added'));
      }
      stopEditing();
      onChanged();
    } catch (error) {
      feedback.fail(problemsOf(error, t, FIELDS), error);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (w: WindowView) => {
    if (busy) return;
    feedback.start();
    setBusy(true);
    try {
      await removeWindow(session.csrfToken, staffId, w.id);
      if (editing?.id === w.id) stopEditing();
      feedback.done(t('adminSchedules.hours.removed'));
      onChanged();
    } catch (error) {
      feedback.fail(problemsOf(error, t, FIELDS), error);
    } finally {
      setBusy(false);
    }
  };

  const weekdays = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: weekdayName(d, language) }));
  const offices = [{ value: '', label: t('adminSchedules.hours.noOffice') }, ...view.offices.map((o) => ({ value: o.id, label: o.name }))];

  return (
    <>
      <p className="body">{t('adminSchedules.hours.intro')}</p>
      {view.windows.length === 0 ? (
        <p className="body">{t('adminSchedules.hours.none')}</p>
      ) : (
        <div className="staff-table-wrap schedules-table-wrap" role="region" aria-labelledby="hours-caption" tabIndex={0}>
          <table className="staff-table schedules-table">
            <caption id="hours-caption" className="schedules-table__caption">
              {t('adminSchedules.hours.caption', { name: view.agent.displayName })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('adminSchedules.hours.col.weekday')}</th>
                <th scope="col">{t('adminSchedules.hours.col.hours')}</th>
                <th scope="col">{t('adminSchedules.hours.col.dates')}</th>
                <th scope="col">{t('adminSchedules.hours.col.office')}</th>
                <th scope="col">{t('adminSchedules.hours.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {view.windows.map((w) => (
                <tr key={w.id} aria-current={editing?.id === w.id ? 'true' : undefined}>
                  <th scope="row">{weekdayName(w.weekday, language)}</th>
                  <td className="staff-table__time">
                    {w.start}–{w.end}
                  </td>
                  <td>{dates(w)}</td>
                  <td>{officeName(w.officeId)}</td>
                  <td>
                    <div className="schedules-actions">
                      <button type="button" className="button button--secondary button--inline" onClick={() => startEditing(w)}>
                        {t('adminSchedules.hours.change')}
                        <span className="visually-hidden"> {rowLabel(w)}</span>
                      </button>
                      <button type="button" className="button button--warning button--inline" aria-disabled={busy} onClick={() => void remove(w)}>
                        {t('adminSchedules.hours.remove')}
                        <span className="visually-hidden"> {rowLabel(w)}</span>
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="body">
        <Link to={`${SCHEDULES_BASE}/calendar?staffId=${encodeURIComponent(staffId)}`}>{t('adminSchedules.hours.calendarLink')}</Link>
      </p>

      <section aria-labelledby="hours-form-heading" className="schedules-form">
        <h2 id="hours-form-heading" className="heading-m" tabIndex={-1}>
          {editing ? `${t('adminSchedules.hours.changeHeading')}: ${rowLabel(editing)}` : t('adminSchedules.hours.addHeading')}
        </h2>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <StaffSelect
            id="weekday"
            name="weekday"
            label={t('adminSchedules.hours.weekday')}
            value={String(draft.weekday)}
            options={weekdays}
            onChange={(v) => set({ weekday: Number(v) })}
            error={feedback.errorOf('weekday')}
          />
          <div className="schedules-row">
            <TextField
              id="start"
              name="start"
              label={t('adminSchedules.hours.from')}
              hint={t('adminSchedules.hours.timeHint')}
              value={draft.start}
              onChange={(start) => set({ start })}
              error={feedback.errorOf('start')}
              inputMode="numeric"
              maxLength={5}
              width="quarter"
            />
            <TextField
              id="end"
              name="end"
              label={t('adminSchedules.hours.to')}
              hint={t('adminSchedules.hours.timeHint')}
              value={draft.end}
              onChange={(end) => set({ end })}
              error={feedback.errorOf('end')}
              inputMode="numeric"
              maxLength={5}
              width="quarter"
            />
          </div>
          <div className="schedules-row">
            <TextField
              id="valid-from"
              name="validFrom"
              type="date"
              label={t('adminSchedules.hours.validFrom')}
              hint={t('adminSchedules.hours.dateHint')}
              value={draft.validFrom}
              onChange={(validFrom) => set({ validFrom })}
              error={feedback.errorOf('valid-from')}
              width="half"
            />
            <TextField
              id="valid-to"
              name="validTo"
              type="date"
              label={t('adminSchedules.hours.validTo')}
              hint={t('adminSchedules.hours.dateHint')}
              value={draft.validTo}
              onChange={(validTo) => set({ validTo })}
              error={feedback.errorOf('valid-to')}
              width="half"
            />
          </div>
          <StaffSelect id="office" name="officeId" label={t('adminSchedules.hours.office')} value={draft.officeId} options={offices} onChange={(officeId) => set({ officeId })} error={feedback.errorOf('office')} />
          <div className="button-group">
            <button type="submit" className="button" aria-disabled={busy}>
              {editing ? t('adminSchedules.hours.save') : t('adminSchedules.hours.add')}
            </button>
            {editing ? (
              <button type="button" className="button button--secondary" onClick={stopEditing}>
                {t('adminSchedules.hours.cancel')}
              </button>
            ) : null}
          </div>
        </form>
      </section>
    </>
  );
}
