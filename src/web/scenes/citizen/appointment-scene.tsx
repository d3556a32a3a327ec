/** The citizen's appointment: status, when, what to prepare, and change or cancel while still allowed. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { logOut } from '../../api/citizen-api.ts';
import { InsetText, SummaryList } from '../../components/content.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { useOrganisation } from '../../hooks/use-organisation.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { LANGUAGE_NAMES } from '../../i18n/i18n.ts';
import { isLanguage } from '../../../shared/limits.ts';
import { StatusTag, UPCOMING_STATUSES, useAppointmentRows, useWhen } from './appointment-view.tsx';
import { useCitizenSession } from './citizen-area.tsx';
import { JoinCallLink } from './call/join-call-link.tsx';
import { ReceiptSection } from './receipt-section.tsx';
import { SurveyInvitation } from './survey/survey-invitation.tsx';
import { DocumentsLink } from './documents/documents-link.tsx';

/** The appointment page. */
export function AppointmentScene() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const organisation = useOrganisation();
  const { session, setSession, base } = useCitizenSession();
  const [signingOut, setSigningOut] = useState(false);
  const { appointment } = session;
  const rows = useAppointmentRows(appointment);
  const when = useWhen();
  usePageTitle(t('appointment.title'));
  const upcoming = UPCOMING_STATUSES.includes(appointment.status);
  const upload = when(appointment.uploadDeadline, appointment.timeZone);
  const change = when(appointment.changeDeadline, appointment.timeZone);
  const { citizen } = appointment;
  const needs: string[] = [];
  if (citizen.needs.signLanguage) needs.push(t('details.needs.signLanguage'));
  if (citizen.needs.languageInterpreter) {
    needs.push(t('check.interpreterValue', { language: citizen.needs.languageInterpreter }));
  }
  if (citizen.needs.other) needs.push(citizen.needs.other);

  const signOut = async () => {
    if (signingOut) return;
    setSigningOut(true);
    try {
      await logOut(session.csrfToken);
    } catch {
      // Signing out locally is what matters to the person at this screen.
    }
    setSession(null);
    void navigate(base, { replace: true });
  };

  return (
    <>
      <PageHeading caption={appointment.procedure.name}>{t('appointment.title')}</PageHeading>
      <SummaryList
        rows={[...rows, { key: 'status', label: t('appointment.statusLabel'), value: <StatusTag status={appointment.status} /> }]}
      />

      {appointment.status === 'cancelled' ? (
        <InsetText>
          <p className="body">{t('appointment.cancelledNote')}</p>
          <p className="body">
            <Link to="/">{t('done.bookAnother')}</Link>
          </p>
        </InsetText>
      ) : null}

      {appointment.receipt ? <ReceiptSection receipt={appointment.receipt} timeZone={appointment.timeZone} /> : null}
      {appointment.status === 'completed' || appointment.status === 'not_conclusive' ? <SurveyInvitation base={base} /> : null}

      {upcoming ? (
        <>
          <h2 className="heading-m">{t('appointment.documentsHeading')}</h2>
          <p className="body">{t('appointment.uploadBy', { date: upload.date, time: upload.time })}</p>
          <DocumentsLink base={base} />

          <h2 className="heading-m">{t('appointment.dayHeading')}</h2>
          <p className="body">{t('appointment.dayText')}</p>
          <JoinCallLink appointment={appointment} base={base} />

          <h2 className="heading-m">{t('appointment.changeHeading')}</h2>
          {appointment.canChange ? (
            <>
              <p className="body">{t('appointment.changeUntil', { date: change.date, time: change.time })}</p>
              <div className="button-group">
                <Link to={`${base}/change`} className="button button--secondary">
                  {t('appointment.changeButton')}
                </Link>
                <Link to={`${base}/cancel`} className="button button--warning">
                  {t('appointment.cancelButton')}
                </Link>
              </div>
            </>
          ) : (
            <InsetText>
              <p className="body">{t('appointment.tooLate', { hours: organisation.changeNoticeHours })}</p>
            </InsetText>
          )}
        </>
      ) : null}

      <h2 className="heading-m">{t('appointment.detailsHeading')}</h2>
      <SummaryList
        rows={[
          { key: 'name', label: t('check.name'), value: t('check.fullName', { name: citizen.name, surnames: citizen.surnames }) },
          { key: 'email', label: t('check.email'), value: <span className="break-word">{citizen.email}</span> },
          { key: 'phone', label: t('check.phone'), value: citizen.phone },
          {
            key: 'language',
            label: t('check.language'),
            value: isLanguage(citizen.language) ? <span lang={citizen.language}>{LANGUAGE_NAMES[citizen.language]}</span> : citizen.language,
          },
          {
            key: 'needs',
            label: t('check.needs'),
            value:
              needs.length === 0 ? (
                t('check.noNeeds')
              ) : (
                <ul className="list">
                  {needs.map((need) => (
                    <li key={need}>{need}</li>
                  ))}
                </ul>
              ),
          },
        ]}
      />
      <button type="button" className="button button--secondary" onClick={() => void signOut()} aria-disabled={signingOut}>
        {t('appointment.signOut')}
      </button>
    </>
  );
}
