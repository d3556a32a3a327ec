/**
 * The two consents before the waiting room, asked separately because they
 * are separate decisions (GDPR art. 7(2): consent distinguishable from other
 * matters): the processing of personal data for the procedure, required;
 * and the recording of the call, yes or no. "No" explains the alternatives
 * and does not let the citizen in.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { BackLink } from '../../../components/back-link.tsx';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { ErrorSummary, type SummaryError } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { Radios } from '../../../components/radios.tsx';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { usePageTitle } from '../../../hooks/use-page-title.ts';
import { useCitizenSession } from '../citizen-area.tsx';
import { readPreparation, saveConsents } from './call-preparation.ts';

/** The consent page (`/a/:token/join/consent`). */
export function ConsentScene() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const organisation = useOrganisation();
  const { session, token, base } = useCitizenSession();
  const [preparation] = useState(() => readPreparation(token));
  const [processing, setProcessing] = useState(preparation.consents?.processing ?? false);
  const [recording, setRecording] = useState<'' | 'yes' | 'no'>(preparation.consents ? (preparation.consents.recording ? 'yes' : 'no') : '');
  const [errors, setErrors] = useState<{ processing?: string; recording?: string }>({});
  const [submits, setSubmits] = useState(0);
  const hasErrors = Object.keys(errors).length > 0;
  usePageTitle(t('call.consent.title'), hasErrors);
  if (!preparation.deviceCheck) return <Navigate to={`${base}/join`} replace />;

  const submit = () => {
    const found: { processing?: string; recording?: string } = {};
    if (!processing) found.processing = t('call.consent.errors.processing');
    if (recording === '') found.recording = t('call.consent.errors.recording');
    else if (recording === 'no') found.recording = t('call.consent.errors.recordingNo');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setSubmits((n) => n + 1);
      return;
    }
    saveConsents(token, { processing: true, recording: true });
    void navigate(`${base}/waiting-room`);
  };

  const summary: SummaryError[] = [];
  if (errors.processing) summary.push({ message: errors.processing, fieldId: 'consent-processing' });
  if (errors.recording) summary.push({ message: errors.recording, fieldId: recording === 'no' ? 'recording-alternatives' : 'consent-recording' });

  return (
    <>
      <BackLink to={`${base}/join`} />
      <ErrorSummary errors={summary} focusKey={submits} />
      <PageHeading caption={session.appointment.procedure.name}>{t('call.consent.title')}</PageHeading>
      <p className="body">{t('call.consent.intro')}</p>

      <h2 className="heading-m">{t('call.consent.processing.heading')}</h2>
      <p className="body">{t('call.consent.processing.text', { organisation: organisation.name })}</p>
      <p className="body">
        <Link to="/privacy" target="_blank" rel="noopener">
          {t('call.consent.processing.privacyLink')}
        </Link>
      </p>
      <Checkboxes
        id="consent-processing-group"
        legend={t('call.consent.processing.legend')}
        error={errors.processing}
        items={[
          {
            id: 'consent-processing',
            name: 'consent-processing',
            label: t('call.consent.processing.label'),
            checked: processing,
            onChange: setProcessing,
          },
        ]}
      />

      <h2 className="heading-m">{t('call.consent.recording.heading')}</h2>
      <p className="body">{t('call.consent.recording.text')}</p>
      <Radios
        id="consent-recording"
        name="consent-recording"
        legend={t('call.consent.recording.legend')}
        value={recording}
        onChange={(value) => setRecording(value === 'yes' ? 'yes' : 'no')}
        error={errors.recording}
        options={[
          { value: 'yes', label: t('call.consent.recording.yes') },
          { value: 'no', label: t('call.consent.recording.no') },
        ]}
      >
        {recording === 'no' ? (
          <div className="conditional" id="recording-alternatives" tabIndex={-1}>
            <h3 className="heading-s">{t('call.consent.recording.noHeading')}</h3>
            <p className="body">{t('call.consent.recording.noText')}</p>
            <p className="body">
              <Link to={`${base}/appointment`}>{t('call.consent.recording.noLink')}</Link>
            </p>
          </div>
        ) : null}
      </Radios>

      <button type="button" className="button" onClick={submit}>
        {t('call.consent.submit')}
      </button>
    </>
  );
}
