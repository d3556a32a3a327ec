/** "Choose a time": the free times of one day, split into morning and afternoon. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchAvailability } from '../api/public-api.ts';
import type { ChosenSlot, SlotView } from '../api/types.ts';
import { useLanguage } from '../hooks/use-language.ts';
import { useLoad } from '../hooks/use-load.ts';
import { usePageTitle } from '../hooks/use-page-title.ts';
import { formatDayLong, capitalise } from '../i18n/format.ts';
import { BackLink } from './back-link.tsx';
import { Loading } from './content.tsx';
import { ErrorSummary } from './error-summary.tsx';
import { LoadProblem } from './problem.tsx';
import { Radios, type RadioGroup, type RadioOption } from './radios.tsx';

/** Props of {@link TimeChooser}. */
export interface TimeChooserProps {
  procedureId: string;
  /** Local date, YYYY-MM-DD. */
  date: string;
  selected: string | null;
  onChoose: (slot: ChosenSlot) => void;
  backTo: string;
  /** Where "choose another day" leads when the day has filled up. */
  chooseDayTo: string;
}

/** Afternoon sessions start after lunch; a clear split helps scanning a long list. */
const AFTERNOON_FROM = '14:00';

/** The time question; calls `onChoose` with the chosen slot. */
export function TimeChooser({ procedureId, date, selected, onChoose, backTo, chooseDayTo }: TimeChooserProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [state, retry] = useLoad(async (signal) => {
    const view = await fetchAvailability(procedureId, date, date, signal);
    return (view.days.find((d) => d.date === date)?.slots ?? []).filter((s) => s.capacity > 0);
  }, [procedureId, date]);
  const [choice, setChoice] = useState(selected ?? '');
  const [error, setError] = useState<string | undefined>();
  const [submits, setSubmits] = useState(0);
  usePageTitle(t('time.title'), Boolean(error));

  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  const slots: SlotView[] = state.status === 'ready' ? state.data : [];
  const dayLabel = capitalise(formatDayLong(date, language), language);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const slot = slots.find((s) => s.startsAt === choice);
    if (!slot) {
      setError(t('time.errors.required'));
      setSubmits((n) => n + 1);
      return;
    }
    onChoose({ startsAt: slot.startsAt, localTime: slot.localTime, date });
  };

  const option = (slot: SlotView): RadioOption => ({ value: slot.startsAt, label: slot.localTime });
  const morning = slots.filter((s) => s.localTime < AFTERNOON_FROM).map(option);
  const afternoon = slots.filter((s) => s.localTime >= AFTERNOON_FROM).map(option);
  const groups: RadioGroup[] | undefined =
    morning.length > 0 && afternoon.length > 0
      ? [
          { key: 'morning', heading: t('time.morning'), options: morning },
          { key: 'afternoon', heading: t('time.afternoon'), options: afternoon },
        ]
      : undefined;

  return (
    <>
      <BackLink to={backTo} />
      <ErrorSummary errors={error ? [{ message: error, fieldId: 'time' }] : []} focusKey={submits} />
      <form onSubmit={submit} noValidate>
        <Radios
          id="time"
          name="time"
          legend={t('time.title')}
          legendAsHeading
          caption={dayLabel}
          hint={slots.length > 0 ? t('time.hint') : undefined}
          error={error}
          value={choice}
          onChange={(value) => {
            setChoice(value);
            setError(undefined);
          }}
          options={groups ? undefined : [...morning, ...afternoon]}
          groups={groups}
          small
        >
          {state.status === 'loading' ? <Loading /> : null}
          {state.status === 'ready' && slots.length === 0 ? (
            <>
              <p className="body">{t('time.noneLeft')}</p>
              <p className="body">
                <Link to={chooseDayTo}>{t('time.chooseAnotherDay')}</Link>
              </p>
            </>
          ) : null}
        </Radios>
        {slots.length > 0 ? (
          <button type="submit" className="button">
            {t('common.continue')}
          </button>
        ) : null}
      </form>
    </>
  );
}
