/** Booking step 1: which procedure, among those offered by video call. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { fetchProcedures } from '../../api/public-api.ts';
import { Loading } from '../../components/content.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { LoadProblem } from '../../components/problem.tsx';
import { Radios } from '../../components/radios.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { EMPTY_BOOKING, useBooking } from './booking-state.ts';

/** The start page. */
export function StartScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const navigate = useNavigate();
  const [booking, updateBooking] = useBooking();
  const [state, retry] = useLoad(async (signal) => {
    const all = await fetchProcedures(language, signal);
    return all.filter((p) => p.channels.includes('video'));
  }, [language]);
  const [choice, setChoice] = useState(booking.procedureId ?? '');
  const [error, setError] = useState<string | undefined>();
  const [submits, setSubmits] = useState(0);
  usePageTitle(t('start.title'), Boolean(error));

  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!choice) {
      setError(t('start.errors.required'));
      setSubmits((n) => n + 1);
      return;
    }
    // Another procedure means other days and documents: start the answers afresh, keeping the person's details.
    if (choice !== booking.procedureId) updateBooking({ ...EMPTY_BOOKING, procedureId: choice, details: booking.details });
    void navigate(`/book/${encodeURIComponent(choice)}/prepare`);
  };

  return (
    <>
      <ErrorSummary errors={error ? [{ message: error, fieldId: 'procedure' }] : []} focusKey={submits} />
      <PageHeading size="xl">{t('start.title')}</PageHeading>
      <p className="body-l">{t('start.lead')}</p>
      <p className="body">{t('start.howItWorks')}</p>
      {state.status === 'loading' ? (
        <Loading />
      ) : state.data.length === 0 ? (
        <p className="body">{t('start.noProcedures')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Radios
            id="procedure"
            name="procedure"
            legend={t('start.question')}
            error={error}
            value={choice}
            onChange={(value) => {
              setChoice(value);
              setError(undefined);
            }}
            options={state.data.map((p) => ({
              value: p.id,
              label: p.name,
              hint: (
                <>
                  {p.description ? <span className="block">{p.description}</span> : null}
                  <span className="block">{t('start.duration', { minutes: p.durationMinutes })}</span>
                </>
              ),
            }))}
          />
          <button type="submit" className="button">
            {t('common.continue')}
          </button>
        </form>
      )}
    </>
  );
}
