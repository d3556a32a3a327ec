/**
 * The interpreter's first page (`/i/:token`): what the invitation is for
 * (the town hall, the day and time, the citizen's first name — nothing
 * more), a short device check (the camera's picture and the microphone's
 * level, with the same help as the citizen's check), and the consent to the
 * recording, without which nobody joins a recorded call. Continuing records
 * the consent (the link's first use) and opens the call page.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { consentToRecording } from '../../api/interpreter-api.ts';
import { Checkboxes } from '../../components/checkboxes.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { ErrorSummary, type SummaryError } from '../../components/error-summary.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { problemMessage } from '../../components/problem.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { formatInstantDate, formatInstantTime } from '../../i18n/format.ts';
import { CameraSection, MicrophoneSection } from '../citizen/call/device-sections.tsx';
import { PermissionHelp } from '../citizen/call/media-help.tsx';
import { activeDeviceId, useLocalMedia } from '../citizen/call/use-local-media.ts';
import { useInterpreterArea } from './interpreter-area.tsx';

type Field = 'devices' | 'consent' | 'server';

/** The check and consent page. */
export function InterpreterCheckScene() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const language = useLanguage();
  const { token, invitation, setInvitation, devices, setDevices, base } = useInterpreterArea();
  const media = useLocalMedia({ cameraId: devices?.cameraId ?? '', microphoneId: devices?.microphoneId ?? '', speakerId: '' });
  const [consented, setConsented] = useState(invitation.consented);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [submits, setSubmits] = useState(0);
  const [sending, setSending] = useState(false);
  usePageTitle(t('interpreter.page.title'), Object.keys(errors).length > 0);

  const started = media.camera !== null;
  const signLanguage = invitation.kind === 'sign_language';
  const { timeZone } = invitation;

  const validate = (): Partial<Record<Field, string>> => {
    const found: Partial<Record<Field, string>> = {};
    if (!started) found.devices = t('interpreter.page.checkError');
    // A sign-language interpreter signs to the citizen and voices to the agent: both devices. Otherwise the voice is enough.
    else if (media.microphone !== 'ok') found.devices = t('interpreter.page.microphoneRequired');
    else if (signLanguage && media.camera !== 'ok') found.devices = t('interpreter.page.cameraRequired');
    if (!consented) found.consent = t('interpreter.page.consentError');
    return found;
  };

  const submit = async () => {
    if (sending) return;
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setSubmits((n) => n + 1);
      return;
    }
    setSending(true);
    try {
      setInvitation(await consentToRecording(token));
      setDevices({
        cameraId: activeDeviceId(media.stream, 'video') || media.choice.cameraId,
        microphoneId: activeDeviceId(media.stream, 'audio') || media.choice.microphoneId,
      });
      void navigate(`${base}/call`);
    } catch (error) {
      setErrors({ server: problemMessage(error, t) });
      setSubmits((n) => n + 1);
    } finally {
      setSending(false);
    }
  };

  const summary: SummaryError[] = [];
  if (errors.server) summary.push({ message: errors.server });
  if (errors.devices) summary.push({ message: errors.devices, fieldId: 'interpreter-devices' });
  if (errors.consent) summary.push({ message: errors.consent, fieldId: 'interpreter-consent' });

  return (
    <>
      <ErrorSummary errors={summary} focusKey={submits} />
      <PageHeading caption={t('interpreter.page.caption', { organisation: invitation.organisation })}>{t('interpreter.page.title')}</PageHeading>
      <p className="body-l">
        {t('interpreter.page.intro', {
          organisation: invitation.organisation,
          name: invitation.citizenFirstName,
          date: formatInstantDate(invitation.startsAt, timeZone, language),
          start: formatInstantTime(invitation.startsAt, timeZone, language),
          end: formatInstantTime(invitation.endsAt, timeZone, language),
        })}
      </p>
      <p className="body">{t('interpreter.page.kind', { kind: invitation.kind, language: invitation.language ?? '' })}</p>
      <p className="body">{t('interpreter.page.privacy')}</p>

      <div
        id="interpreter-devices"
        tabIndex={-1}
        className={errors.devices ? 'form-group form-group--error' : undefined}
        aria-describedby={errors.devices ? 'interpreter-devices-error' : undefined}
      >
        <h2 className="heading-m">{t('interpreter.page.checkHeading')}</h2>
        {errors.devices ? <ErrorMessage id="interpreter-devices-error" message={errors.devices} /> : null}
        {!started ? (
          <>
            <p className="body">{t('interpreter.page.checkIntro')}</p>
            <button type="button" className="button button--secondary" onClick={media.start} aria-disabled={media.status === 'requesting'}>
              {t('interpreter.page.start')}
            </button>
            <p className="body" role="status">
              {media.status === 'requesting' ? t('call.deviceCheck.requesting') : null}
            </p>
          </>
        ) : (
          <>
            {media.camera === 'denied' || media.microphone === 'denied' ? <PermissionHelp onRetry={media.start} /> : null}
            <CameraSection
              outcome={media.camera}
              stream={media.stream}
              devices={media.devices}
              chosen={media.choice.cameraId}
              onChoose={(id) => media.choose('cameraId', id)}
            />
            <MicrophoneSection
              outcome={media.microphone}
              stream={media.stream}
              devices={media.devices}
              chosen={media.choice.microphoneId}
              onChoose={(id) => media.choose('microphoneId', id)}
            />
          </>
        )}
      </div>

      <h2 className="heading-m">{t('interpreter.page.consentHeading')}</h2>
      <p className="body">{t('interpreter.page.consentText', { organisation: invitation.organisation })}</p>
      <Checkboxes
        id="interpreter-consent-group"
        legend={t('interpreter.page.consentLegend')}
        error={errors.consent}
        items={[
          {
            id: 'interpreter-consent',
            name: 'interpreter-consent',
            label: t('interpreter.page.consentLabel'),
            checked: consented,
            onChange: setConsented,
          },
        ]}
      />
      <button type="button" className="button" onClick={() => void submit()} aria-disabled={sending}>
        {sending ? t('interpreter.page.sending') : t('interpreter.page.submit')}
      </button>
    </>
  );
}
