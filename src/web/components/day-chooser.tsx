/**
 * "Choose a day": the days with free times, grouped by month, loaded a month
 * at a time up to the procedure's booking horizon. Used when booking and when
 * changing an appointment.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchAvailability } from '../api/public-api.ts';
import type { AvailabilityView } from '../api/types.ts';
import { useLanguage } from '../hooks/use-language.ts';
import { useOrganisation } from '../hooks/use-organisation.ts';
import { usePageTitle } from '../hooks/use-page-title.ts';
import { addDays, formatDayLong, formatDayWithYear, formatMonthHeading, localDateOf } from '../i18n/format.ts';
import { BackLink } from './back-link.tsx';
import { Loading } from './content.tsx';
import { ErrorSummary } from './error-summary.tsx';
import { problemMessage } from './problem.tsx';
import { Radios, type RadioGroup } from './radios.tsx';

type Day = AvailabilityView['days'][number];

/** Days fetched per request (the API allows up to 62). */
const WINDOW_DAYS = 31;

/** Props of {@link DayChooser}. */
export interface DayChooserProps {
  procedureId: string;
  maxAdvanceDays: number;
  /** Shown above the heading, e.g. the procedure's name. */
  caption?: string | undefined;
  selected: string | null;
  onChoose: (date: string) => void;
  backTo: string;
}

interface Loaded {
  days: Day[];
  /** Last date asked for (inclusive). */
  until: string;
}

/**
 * Fetches windows from `from` until one has a free day (and, when `mustReach`
 * is given, until that date is covered), without passing `lastDay`.
 */
async function loadDays(
  procedureId: string,
  from: string,
  lastDay: string,
  mustReach: string | null,
  signal: AbortSignal,
): Promise<Loaded> {
  const days: Day[] = [];
  let start = from;
  let until = addDays(from, -1);
  while (start <= lastDay) {
    const windowEnd = addDays(start, WINDOW_DAYS - 1);
    const end = windowEnd < lastDay ? windowEnd : lastDay;
    const view = await fetchAvailability(procedureId, start, end, signal);
    days.push(...view.days.filter((d) => d.slots.some((s) => s.capacity > 0)));
    until = end;
    start = addDays(end, 1);
    if (days.length > 0 && (mustReach === null || end >= mustReach)) break;
  }
  return { days, until };
}

/** The day question; calls `onChoose` with the chosen local date. */
export function DayChooser({ procedureId, maxAdvanceDays, caption, selected, onChoose, backTo }: DayChooserProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { timeZone } = useOrganisation();
  const today = useMemo(() => localDateOf(new Date(), timeZone), [timeZone]);
  const lastDay = addDays(today, Math.max(0, maxAdvanceDays));
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [choice, setChoice] = useState(selected ?? '');
  const [error, setError] = useState<string | undefined>();
  const [submits, setSubmits] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const [focusDate, setFocusDate] = useState<string | null>(null);
  const inputs = useRef(new Map<string, HTMLInputElement>());
  usePageTitle(t('day.title'), Boolean(error));

  useEffect(() => {
    const controller = new AbortController();
    setLoaded(null);
    setLoadError(null);
    loadDays(procedureId, today, lastDay, selected, controller.signal).then(setLoaded, (e: unknown) => {
      if (!controller.signal.aborted) setLoadError(e);
    });
    return () => controller.abort();
    // Reload only when the procedure or the horizon changes, not when a day is picked.
  }, [procedureId, today, lastDay]);

  useEffect(() => {
    if (focusDate) {
      inputs.current.get(focusDate)?.focus();
      setFocusDate(null);
    }
  }, [focusDate]);

  const showLater = async () => {
    if (!loaded || loadingMore) return;
    setLoadingMore(true);
    setLoadError(null);
    try {
      const more = await loadDays(procedureId, addDays(loaded.until, 1), lastDay, null, new AbortController().signal);
      setLoaded({ days: [...loaded.days, ...more.days], until: more.until });
      setAnnouncement(
        more.days.length > 0
          ? t('day.moreShown', { count: more.days.length, until: formatDayWithYear(more.until, language) })
          : t('day.noMore', { until: formatDayWithYear(more.until, language) }),
      );
      const first = more.days[0];
      if (first) setFocusDate(first.date);
    } catch (e) {
      setLoadError(e);
    } finally {
      setLoadingMore(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!choice) {
      setError(t('day.errors.required'));
      setSubmits((n) => n + 1);
      return;
    }
    onChoose(choice);
  };

  const groups: RadioGroup[] = [];
  for (const day of loaded?.days ?? []) {
    const key = day.date.slice(0, 7);
    let group = groups.find((g) => g.key === key);
    if (!group) {
      group = { key, heading: formatMonthHeading(day.date, language), options: [] };
      groups.push(group);
    }
    const count = day.slots.filter((s) => s.capacity > 0).length;
    group.options = [
      ...group.options,
      { value: day.date, label: formatDayLong(day.date, language), hint: t('day.timesAvailable', { count }) },
    ];
  }
  const canLoadMore = loaded !== null && loaded.until < lastDay;
  const nothingAtAll = loaded !== null && loaded.days.length === 0 && !canLoadMore;

  return (
    <>
      <BackLink to={backTo} />
      <ErrorSummary errors={error ? [{ message: error, fieldId: 'day' }] : []} focusKey={submits} />
      {loadError ? (
        <div className="error-summary" role="alert">
          <p className="body">{problemMessage(loadError, t)}</p>
        </div>
      ) : null}
      <form onSubmit={submit} noValidate>
        <Radios
          id="day"
          name="day"
          legend={t('day.title')}
          legendAsHeading
          caption={caption}
          hint={loaded && loaded.days.length > 0 ? t('day.hint', { until: formatDayWithYear(loaded.until, language) }) : undefined}
          error={error}
          value={choice}
          onChange={(value) => {
            setChoice(value);
            setError(undefined);
          }}
          groups={groups}
          inputRef={(value, element) => {
            if (element) inputs.current.set(value, element);
            else inputs.current.delete(value);
          }}
        >
          {loaded === null && !loadError ? <Loading /> : null}
          {nothingAtAll ? <p className="body">{t('day.noneAtAll', { days: maxAdvanceDays })}</p> : null}
          {loaded !== null && loaded.days.length === 0 && canLoadMore ? (
            <p className="body">{t('day.noneYet', { until: formatDayWithYear(loaded.until, language) })}</p>
          ) : null}
        </Radios>
        {canLoadMore ? (
          <p>
            <button type="button" className="button button--secondary" onClick={() => void showLater()} aria-disabled={loadingMore}>
              {loadingMore ? t('common.loading') : t('day.showLater')}
            </button>
          </p>
        ) : null}
        <p className="visually-hidden" role="status">
          {announcement}
        </p>
        {loaded !== null && loaded.days.length > 0 ? (
          <button type="submit" className="button">
            {t('common.continue')}
          </button>
        ) : null}
      </form>
    </>
  );
}
