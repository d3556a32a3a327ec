/** The way to the survey from the end of the call and from the appointment page. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** A short invitation with a button-link to `/a/:token/survey`. */
export function SurveyInvitation({ base }: { base: string }) {
  const { t } = useTranslation();
  return (
    <section className="survey-invitation" aria-labelledby="survey-invitation-heading">
      <h2 id="survey-invitation-heading" className="heading-m">
        {t('survey.citizen.inviteHeading')}
      </h2>
      <p className="body">{t('survey.citizen.inviteText')}</p>
      <Link to={`${base}/survey`} className="button">
        {t('survey.citizen.inviteButton')}
      </Link>
    </section>
  );
}
