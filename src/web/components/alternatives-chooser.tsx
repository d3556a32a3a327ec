/**
 * Shown when the chosen time was taken by someone else meanwhile: the free
 * times the server offered instead, to pick one without starting again.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Alternative, ChosenSlot } from '../api/types.ts';
import { useLanguage } from '../hooks/use-language.ts';
import { usePageTitle } from '../hooks/use-page-title.ts';
import { capitalise, formatDayLong } from '../i18n/format.ts';
import { BackLink } from './back-link.tsx';
import { ErrorSummary } from './error-summary.tsx';
import { Radios, type RadioGroup } from './radios.tsx';

/** Props of {@link AlternativesChooser}. */
export interface AlternativesChooserProps {
  alternatives: readonly Alternative[];
  onChoose: (slot: ChosenSlot) => void;
  backTo: string;
  chooseDayTo: string;
}

/** Reads `details.alternatives` of a `slot_taken` error defensively. */
export function readAlternatives(details: Record<string, unknown>): Alternative[] {
  const raw = details.alternatives;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { startsAt, localTime, capacity, date } = item as Record<string, unknown>;
    if (typeof startsAt !== 'string' || typeof localTime !== 'string' || typeof date !== 'string') return [];
    return [{ startsAt, localTime, date, capacity: typeof capacity === 'number' ? capacity : 1 }];
  });
}

/** The "that time was just taken" question. */
export function AlternativesChooser({ alternatives, onChoose, backTo, chooseDayTo }: AlternativesChooserProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [submits, setSubmits] = useState(0);
  usePageTitle(t('taken.title'), Boolean(error));

  const groups: RadioGroup[] = [];
  for (const alternative of alternatives) {
    let group = groups.find((g) => g.key === alternative.date);
    if (!group) {
      group = { key: alternative.date, heading: capitalise(formatDayLong(alternative.date, language), language), options: [] };
      groups.push(group);
    }
    group.options = [...group.options, { value: alternative.startsAt, label: alternative.localTime }];
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = alternatives.find((a) => a.startsAt === choice);
    if (!chosen) {
      setError(t('time.errors.required'));
      setSubmits((n) => n + 1);
      return;
    }
    onChoose({ startsAt: chosen.startsAt, localTime: chosen.localTime, date: chosen.date });
  };

  return (
    <>
      <BackLink to={backTo} />
      <ErrorSummary errors={error ? [{ message: error, fieldId: 'alternative' }] : []} focusKey={submits} />
      <form onSubmit={submit} noValidate>
        <Radios
          id="alternative"
          name="alternative"
          legend={t('taken.title')}
          legendAsHeading
          hint={alternatives.length > 0 ? t('taken.hint') : undefined}
          error={error}
          value={choice}
          onChange={(value) => {
            setChoice(value);
            setError(undefined);
          }}
          groups={groups}
          small
        >
          {alternatives.length === 0 ? <p className="body">{t('taken.none')}</p> : null}
        </Radios>
        {alternatives.length > 0 ? (
          <button type="submit" className="button">
            {t('common.continue')}
          </button>
        ) : null}
        <p className="body">
          <Link to={chooseDayTo}>{t('taken.chooseAnotherDay')}</Link>
        </p>
      </form>
    </>
  );
}
