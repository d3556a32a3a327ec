/**
 * The satisfaction survey's questions, one form (GOV.UK radios): "Did you
 * like it?" and "Was it easy?" 0–10, each a fieldset of radios with its
 * legend, "Would you use it again?" yes/no, and an optional comment. Errors
 * in a summary at the top that takes focus, and at each question. Shared by
 * the page after the call and the page of the emailed link.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorSummary, type SummaryError } from '../../../components/error-summary.tsx';
import { Panel } from '../../../components/content.tsx';
import { HeadingShell, PageHeading } from '../../../components/page-heading.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { Radios } from '../../../components/radios.tsx';
import { TextArea } from '../../../components/text-field.tsx';
import { usePageTitle } from '../../../hooks/use-page-title.ts';
import { SURVEY_LIMITS, type SurveyAnswer } from '../../../../shared/surveys.ts';

const SCORES = Array.from({ length: SURVEY_LIMITS.scoreMax + 1 }, (_, i) => String(i));

/** Props of {@link SurveyForm}. */
export interface SurveyFormProps {
  /** The town hall, in the caption. */
  organisation: string;
  /** Sends the answer; rejects with the server's error (shown in the summary). */
  onSubmit: (answer: SurveyAnswer) => Promise<void>;
}

/** The survey form. */
export function SurveyForm({ organisation, onSubmit }: SurveyFormProps) {
  const { t } = useTranslation();
  const [liked, setLiked] = useState('');
  const [easy, setEasy] = useState('');
  const [useAgain, setUseAgain] = useState('');
  const [comment, setComment] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [submits, setSubmits] = useState(0);
  const [sending, setSending] = useState(false);
  const errors: SummaryError[] = [
    ...Object.entries(fieldErrors).map(([fieldId, message]) => ({ fieldId, message })),
    ...(problem ? [{ message: problem }] : []),
  ];
  usePageTitle(t('survey.citizen.title'), errors.length > 0);

  const scoreOptions = SCORES.map((value) => ({ value, label: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    const missing: Record<string, string> = {};
    if (liked === '') missing.liked = t('survey.citizen.errors.liked');
    if (easy === '') missing.easy = t('survey.citizen.errors.easy');
    if (useAgain === '') missing.useAgain = t('survey.citizen.errors.useAgain');
    setFieldErrors(missing);
    setProblem(null);
    if (Object.keys(missing).length > 0) {
      setSubmits((n) => n + 1);
      return;
    }
    setSending(true);
    try {
      const text = comment.trim();
      await onSubmit({ liked: Number(liked), easy: Number(easy), useAgain: useAgain === 'yes', ...(text ? { comment: text } : {}) });
    } catch (error) {
      setProblem(problemMessage(error, t));
      setSubmits((n) => n + 1);
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <ErrorSummary errors={errors} focusKey={submits} />
      <PageHeading caption={organisation}>{t('survey.citizen.title')}</PageHeading>
      <p className="body">{t('survey.citizen.intro')}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Radios
          id="liked"
          name="liked"
          legend={t('survey.citizen.liked')}
          hint={t('survey.citizen.scaleHint')}
          error={fieldErrors.liked}
          value={liked}
          onChange={setLiked}
          options={scoreOptions}
          small
        />
        <Radios
          id="easy"
          name="easy"
          legend={t('survey.citizen.easy')}
          hint={t('survey.citizen.scaleHint')}
          error={fieldErrors.easy}
          value={easy}
          onChange={setEasy}
          options={scoreOptions}
          small
        />
        <Radios
          id="useAgain"
          name="useAgain"
          legend={t('survey.citizen.useAgain')}
          error={fieldErrors.useAgain}
          value={useAgain}
          onChange={setUseAgain}
          options={[
            { value: 'yes', label: t('survey.citizen.yes') },
            { value: 'no', label: t('survey.citizen.no') },
          ]}
        />
        <TextArea
          id="comment"
          name="comment"
          label={t('survey.citizen.comment')}
          hint={t('survey.citizen.commentHint', { max: SURVEY_LIMITS.commentMax })}
          value={comment}
          onChange={setComment}
          maxLength={SURVEY_LIMITS.commentMax}
          rows={4}
        />
        <button type="submit" className="button" disabled={sending}>
          {t('survey.citizen.submit')}
        </button>
      </form>
    </>
  );
}

/** The confirmation page after an answer (GOV.UK confirmation panel). */
export function SurveyThanks() {
  const { t } = useTranslation();
  usePageTitle(t('survey.citizen.thanksTitle'));
  return (
    <>
      <Panel title={<HeadingShell className="panel__title">{t('survey.citizen.thanksTitle')}</HeadingShell>}>{t('survey.citizen.thanksPanel')}</Panel>
      <p className="body">{t('survey.citizen.thanksText')}</p>
    </>
  );
}
