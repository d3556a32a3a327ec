/**
 * "How did the call go?": the agent's wrap-up after a call, on the call
 * page once it ended and on the appointment page. The outcome (completed;
 * not conclusive for missing documents or another reason; technical
 * failure), how the call went for them 1–5, and a short note. Saving again
 * corrects it. Shown only once the call happened; read-only for staff who
 * may see the appointment but not act on it.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchWrapup, saveWrapup } from '../../../api/survey-api.ts';
import { problemMessage } from '../../../components/problem.tsx';
import { Radios } from '../../../components/radios.tsx';
import { TextArea } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { SURVEY_LIMITS, wrapupOutcome, type WrapupView } from '../../../../shared/surveys.ts';

const RATINGS = Array.from({ length: SURVEY_LIMITS.ratingMax }, (_, i) => String(i + 1));

/** The wrap-up of one appointment; `version` reloads it (e.g. when the call ends). */
export function WrapupPanel({ appointmentId, csrfToken, version = 0 }: { appointmentId: string; csrfToken: string; version?: number }) {
  const { t } = useTranslation();
  const [loaded] = useLoad((signal) => fetchWrapup(appointmentId, signal), [appointmentId, version]);
  if (loaded.status !== 'ready' || !loaded.data.open) return null;
  return <WrapupForm key={loaded.data.wrapup?.updatedAt ?? 'new'} view={loaded.data} csrfToken={csrfToken} t={t} />;
}

function WrapupForm({ view, csrfToken, t }: { view: WrapupView; csrfToken: string; t: ReturnType<typeof useTranslation>['t'] }) {
  const [outcome, setOutcome] = useState<string>(view.wrapup?.outcome ?? '');
  const [rating, setRating] = useState<string>(view.wrapup ? String(view.wrapup.rating) : '');
  const [note, setNote] = useState(view.wrapup?.note ?? '');
  const [errors, setErrors] = useState<{ outcome?: string; rating?: string }>({});
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'failed'; message: string }>({ kind: 'idle' });
  const [saved, setSaved] = useState(0);

  const headingId = `wrapup-heading-${view.appointmentId}`;
  const outcomeOptions = wrapupOutcome.options.map((value) => ({ value, label: t(`survey.wrapup.outcome.${value}`) }));
  const ratingOptions = RATINGS.map((value) => ({ value, label: t('survey.wrapup.ratingOption', { rating: Number(value) }) }));

  if (!view.canEdit) {
    return (
      <section className="wrapup" aria-labelledby={headingId}>
        <h2 id={headingId} className="heading-m">
          {t('survey.wrapup.heading')}
        </h2>
        <p className="body">
          {view.wrapup
            ? t('survey.wrapup.readOnly', { outcome: t(`survey.wrapup.outcome.${view.wrapup.outcome}`), rating: view.wrapup.rating })
            : t('survey.wrapup.none')}
        </p>
      </section>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing: { outcome?: string; rating?: string } = {};
    if (!outcome) missing.outcome = t('survey.wrapup.errors.outcome');
    if (!rating) missing.rating = t('survey.wrapup.errors.rating');
    setErrors(missing);
    if (missing.outcome || missing.rating) {
      setState({ kind: 'idle' });
      return;
    }
    const parsed = wrapupOutcome.safeParse(outcome);
    if (!parsed.success) return;
    setState({ kind: 'saving' });
    try {
      const text = note.trim();
      await saveWrapup(view.appointmentId, { outcome: parsed.data, rating: Number(rating), ...(text ? { note: text } : {}) }, csrfToken);
      setState({ kind: 'saved' });
      setSaved((n) => n + 1);
    } catch (error) {
      setState({ kind: 'failed', message: problemMessage(error, t) });
    }
  };

  return (
    <section className="wrapup" aria-labelledby={headingId}>
      <h2 id={headingId} className="heading-m">
        {t('survey.wrapup.heading')}
      </h2>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Radios
          id={`wrapup-outcome-${view.appointmentId}`}
          name="outcome"
          legend={t('survey.wrapup.outcomeLegend')}
          error={errors.outcome}
          value={outcome}
          onChange={setOutcome}
          options={outcomeOptions}
          small
        />
        <Radios
          id={`wrapup-rating-${view.appointmentId}`}
          name="rating"
          legend={t('survey.wrapup.ratingLegend')}
          hint={t('survey.wrapup.ratingHint')}
          error={errors.rating}
          value={rating}
          onChange={setRating}
          options={ratingOptions}
          small
        />
        <TextArea
          id={`wrapup-note-${view.appointmentId}`}
          name="note"
          label={t('survey.wrapup.note')}
          hint={t('survey.wrapup.noteHint')}
          value={note}
          onChange={setNote}
          maxLength={SURVEY_LIMITS.noteMax}
          rows={3}
        />
        <button type="submit" className="button" disabled={state.kind === 'saving'}>
          {t('survey.wrapup.save')}
        </button>
      </form>
      <div role="status">
        {state.kind === 'saved' ? (
          <p key={saved} className="body">
            {t('survey.wrapup.saved')}
          </p>
        ) : null}
      </div>
      {state.kind === 'failed' ? (
        <p className="body error-message" role="alert">
          {state.message}
        </p>
      ) : null}
    </section>
  );
}
