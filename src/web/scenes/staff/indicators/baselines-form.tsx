/**
 * The administrators' form for the in-person baselines the video figures
 * are compared with: a metric, a month (or every month) and the figure in
 * the unit people count it in (a percentage, minutes, a number); empty
 * removes it. `PUT /api/staff/indicators/baselines`, then a confirmation;
 * errors are named at the top and at the field (GOV.UK error summary).
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { BASELINE_METRICS, type BaselineMetric } from '../../../../shared/indicators.ts';
import { saveBaselines } from '../../../api/indicators-api.ts';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { StaffSuccessBanner } from '../../../components/staff-banner.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { BASELINE_UNITS, parseBaselineValue } from './baseline-value.ts';
import { BaselinesImport } from './baselines-import.tsx';
import { formatMonthLong } from './indicators-format.ts';

/** Props of {@link BaselinesForm}. */
export interface BaselinesFormProps {
  /** The months shown on the dashboard, offered besides "every month". */
  months: readonly string[];
  csrfToken: string;
  onSaved: () => void;
}

/** Sets or removes one in-person baseline. */
export function BaselinesForm({ months, csrfToken, onSaved }: BaselinesFormProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [metric, setMetric] = useState<BaselineMetric>('no_show_rate');
  const [month, setMonth] = useState('*');
  const [value, setValue] = useState('');
  const [error, setError] = useState<{ message: string; field: boolean } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setSaved(null);
    const parsed = parseBaselineValue(value, metric);
    if (!parsed.ok) {
      setError({ message: t('indicators.baselines.error', { error: parsed.error }), field: true });
      setAttempt((n) => n + 1);
      return;
    }
    setBusy(true);
    try {
      await saveBaselines(csrfToken, [{ metric, month, value: parsed.value }]);
      setError(null);
      const monthName = month === '*' ? t('indicators.baselines.everyMonth') : formatMonthLong(month, language);
      setSaved(t('indicators.baselines.saved', { removed: parsed.value === null ? 'yes' : 'no', metric: t(`indicators.metric.${metric}`), month: monthName }));
      onSaved();
    } catch (cause) {
      setError({ message: problemMessage(cause, t), field: false });
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="indicators-section" aria-labelledby="baselines-heading">
      <h2 id="baselines-heading" className="heading-m">
        {t('indicators.baselines.title')}
      </h2>
      <p className="body">{t('indicators.baselines.intro')}</p>
      {saved ? <StaffSuccessBanner message={saved} /> : null}
      <ErrorSummary errors={error ? [{ message: error.message, fieldId: error.field ? 'baseline-value' : undefined }] : []} focusKey={attempt} />
      <form onSubmit={(e) => void submit(e)} noValidate>
        <StaffSelect
          id="baseline-metric"
          name="metric"
          label={t('indicators.baselines.metric')}
          value={metric}
          onChange={(m) => setMetric(BASELINE_METRICS.find((x) => x === m) ?? 'no_show_rate')}
          options={BASELINE_METRICS.map((m) => ({ value: m, label: t(`indicators.metric.${m}`) }))}
        />
        <StaffSelect
          id="baseline-month"
          name="month"
          label={t('indicators.baselines.month')}
          value={month}
          onChange={setMonth}
          options={[{ value: '*', label: t('indicators.baselines.everyMonth') }, ...months.map((m) => ({ value: m, label: formatMonthLong(m, language) }))]}
        />
        <TextField
          id="baseline-value"
          name="value"
          label={t('indicators.baselines.value', { unit: BASELINE_UNITS[metric] })}
          hint={t('indicators.baselines.valueHint')}
          value={value}
          onChange={setValue}
          inputMode="decimal"
          width="quarter"
          error={error?.field ? error.message : undefined}
        />
        <button type="submit" className="button" aria-disabled={busy}>
          {t('indicators.baselines.save')}
        </button>
      </form>
      <BaselinesImport csrfToken={csrfToken} onSaved={onSaved} />
    </section>
  );
}
