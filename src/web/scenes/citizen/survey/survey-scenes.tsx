/**
 * The satisfaction survey's pages: for the signed-in citizen right after
 * the call (`/a/:token/survey`, linked from the waiting room when the call
 * ends and from the appointment page), and from the emailed link
 * (`/survey/:token`, no sign-in: the link is the credential). Each ends on
 * a "Thank you" confirmation page.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { answerCitizenSurvey, answerLinkSurvey, fetchCitizenSurvey, fetchLinkSurvey } from '../../../api/survey-api.ts';
import { InsetText, Loading } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { usePageTitle } from '../../../hooks/use-page-title.ts';
import { storedLanguage } from '../../../i18n/i18n.ts';
import { useCitizenSession } from '../citizen-area.tsx';
import { SurveyForm, SurveyThanks } from './survey-form.tsx';

/** Not yet: the call has not taken place. */
function NotOpen({ back }: { back?: string }) {
  const { t } = useTranslation();
  usePageTitle(t('survey.citizen.title'));
  return (
    <>
      <PageHeading>{t('survey.citizen.title')}</PageHeading>
      <InsetText>
        <p className="body">{t('survey.citizen.notOpen')}</p>
      </InsetText>
      {back ? (
        <p className="body">
          <Link to={back}>{t('survey.citizen.toAppointment')}</Link>
        </p>
      ) : null}
    </>
  );
}

/** The survey of the signed-in citizen's appointment. */
export function CitizenSurveyScene() {
  const { session, base } = useCitizenSession();
  const navigate = useNavigate();
  const language = useLanguage();
  const [survey, retry] = useLoad((signal) => fetchCitizenSurvey(signal), [language]);
  if (survey.status === 'loading') return <Loading />;
  if (survey.status === 'error') return <LoadProblem error={survey.error} onRetry={retry} />;
  if (survey.data.answered) return <Navigate to={`${base}/survey/thanks`} replace />;
  if (!survey.data.open) return <NotOpen back={`${base}/appointment`} />;
  return (
    <SurveyForm
      organisation={survey.data.organisation}
      onSubmit={async (answer) => {
        await answerCitizenSurvey(answer, session.csrfToken);
        void navigate(`${base}/survey/thanks`);
      }}
    />
  );
}

/** "Thank you", for the signed-in citizen. */
export function CitizenSurveyThanksScene() {
  const { t } = useTranslation();
  const { base } = useCitizenSession();
  return (
    <>
      <SurveyThanks />
      <p className="body">
        <Link to={`${base}/appointment`}>{t('survey.citizen.toAppointment')}</Link>
      </p>
    </>
  );
}

/** The survey an emailed link opens; unknown or expired links get the server's message. */
export function LinkSurveyScene() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const language = useLanguage();
  const { i18n } = useTranslation();
  const [survey, retry] = useLoad((signal) => fetchLinkSurvey(token, signal), [token, language]);
  const appointmentLanguage = survey.status === 'ready' ? survey.data.language : null;
  // In the language of the appointment, unless this browser chose one.
  useEffect(() => {
    if (appointmentLanguage && storedLanguage() === null && i18n.language !== appointmentLanguage) void i18n.changeLanguage(appointmentLanguage);
  }, [appointmentLanguage, i18n]);
  if (survey.status === 'loading') return <Loading />;
  if (survey.status === 'error') return <LoadProblem error={survey.error} onRetry={retry} />;
  if (survey.data.answered) return <Navigate to="/survey/thanks" replace />;
  if (!survey.data.open) return <NotOpen />;
  return (
    <SurveyForm
      organisation={survey.data.organisation}
      onSubmit={async (answer) => {
        await answerLinkSurvey(token, answer);
        void navigate('/survey/thanks');
      }}
    />
  );
}

/** "Thank you", after the emailed link. */
export function LinkSurveyThanksScene() {
  return <SurveyThanks />;
}
