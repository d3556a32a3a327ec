/**
 * The first page of the way into the call: check the camera, microphone,
 * sound and connection before anything else, with plain help for each
 * failure. The citizen goes on only with a working microphone and
 * connection, and without a camera only after accepting to take part by
 * voice; the outcome is kept for the next pages and the call.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { BackLink } from '../../../components/back-link.tsx';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { ErrorSummary, type SummaryError } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { usePageTitle } from '../../../hooks/use-page-title.ts';
import { useCitizenSession } from '../citizen-area.tsx';
import { readPreparation, saveDeviceCheck } from './call-preparation.ts';
import { ConnectionSection } from './connection-section.tsx';
import { useConnectivity } from './connectivity-check.ts';
import { CameraSection, MicrophoneSection } from './device-sections.tsx';
import { PermissionHelp } from './media-help.tsx';
import { SpeakerSection } from './speaker-section.tsx';
import { activeDeviceId, useLocalMedia } from './use-local-media.ts';

type Field = 'microphone' | 'audioOnly' | 'speaker' | 'connection';

/** The device check page (`/a/:token/join`). */
export function DeviceCheckScene() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { session, token, base } = useCitizenSession();
  const [previous] = useState(() => readPreparation(token).deviceCheck);
  const media = useLocalMedia(previous?.devices ?? { cameraId: '', microphoneId: '', speakerId: '' });
  // Before the first answer to the camera prompt; switching device later keeps the sections on screen.
  const started = media.camera !== null;
  const [connectivity, retryConnectivity] = useConnectivity(session.csrfToken, started);
  const [audioOnly, setAudioOnly] = useState(previous?.audioOnly ?? false);
  const [heard, setHeard] = useState<'' | 'yes' | 'no'>('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [submits, setSubmits] = useState(0);
  const hasErrors = Object.keys(errors).length > 0;
  usePageTitle(t('call.deviceCheck.title'), hasErrors);

  const cameraOk = media.camera === 'ok';
  const microphoneOk = media.microphone === 'ok';
  const denied = media.camera === 'denied' || media.microphone === 'denied';

  const validate = (): Partial<Record<Field, string>> => {
    const found: Partial<Record<Field, string>> = {};
    if (!microphoneOk) found.microphone = t('call.deviceCheck.errors.microphone');
    else if (!cameraOk && !audioOnly) found.audioOnly = t('call.deviceCheck.errors.audioOnly');
    if (heard === '') found.speaker = t('call.deviceCheck.errors.speaker');
    if (connectivity.server === 'checking') found.connection = t('call.deviceCheck.errors.stillChecking');
    else if (connectivity.server === 'failed') found.connection = t('call.deviceCheck.errors.connection');
    return found;
  };

  const submit = () => {
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setSubmits((n) => n + 1);
      return;
    }
    saveDeviceCheck(token, {
      camera: cameraOk,
      microphone: microphoneOk,
      audioOnly: !cameraOk || audioOnly,
      speakerHeard: heard === 'yes',
      mediaPath: connectivity.media === 'checking' ? null : connectivity.media === 'ok',
      devices: {
        cameraId: activeDeviceId(media.stream, 'video') || media.choice.cameraId,
        microphoneId: activeDeviceId(media.stream, 'audio') || media.choice.microphoneId,
        speakerId: media.choice.speakerId,
      },
    });
    void navigate(`${base}/join/consent`);
  };

  const fieldIds: Record<Field, string> = {
    microphone: 'microphone-heading',
    audioOnly: 'audio-only',
    speaker: 'speaker-heard',
    connection: 'connection-heading',
  };
  const summary: SummaryError[] = (Object.keys(errors) as Field[]).map((field) => ({ message: errors[field] ?? '', fieldId: fieldIds[field] }));

  return (
    <>
      <BackLink to={`${base}/appointment`} />
      <ErrorSummary errors={summary} focusKey={submits} />
      <PageHeading caption={session.appointment.procedure.name}>{t('call.deviceCheck.title')}</PageHeading>
      <p className="body">{t('call.deviceCheck.intro')}</p>

      {!started ? (
        <>
          <p className="body">{t('call.deviceCheck.permissionNote')}</p>
          <button type="button" className="button" onClick={media.start} aria-disabled={media.status === 'requesting'}>
            {t('call.deviceCheck.start')}
          </button>
          <p className="body" role="status">
            {media.status === 'requesting' ? t('call.deviceCheck.requesting') : null}
          </p>
        </>
      ) : (
        <>
          {denied ? <PermissionHelp onRetry={media.start} /> : null}
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
          {!microphoneOk ? (
            <div className="inset-text">
              <p className="body">{t('call.deviceCheck.microphoneRequired')}</p>
              <p className="body">
                <Link to={`${base}/appointment`}>{t('call.deviceCheck.toAppointment')}</Link>
              </p>
            </div>
          ) : null}
          {microphoneOk && !cameraOk ? (
            <Checkboxes
              id="audio-only-group"
              legend={t('call.deviceCheck.audioOnly.legend')}
              error={errors.audioOnly}
              items={[
                {
                  id: 'audio-only',
                  name: 'audio-only',
                  label: t('call.deviceCheck.audioOnly.label'),
                  hint: t('call.deviceCheck.audioOnly.hint'),
                  checked: audioOnly,
                  onChange: setAudioOnly,
                },
              ]}
            />
          ) : null}
          {media.status === 'done' && !denied && (!cameraOk || !microphoneOk) ? (
            <button type="button" className="button button--secondary" onClick={media.start}>
              {t('call.deviceCheck.tryAgain')}
            </button>
          ) : null}
          <SpeakerSection
            speakers={media.devices.speakers}
            canChoose={media.speakerChoice}
            speakerId={media.choice.speakerId}
            onChoose={(id) => media.choose('speakerId', id)}
            heard={heard}
            onHeard={setHeard}
            error={errors.speaker}
          />
          <ConnectionSection connectivity={connectivity} onRetry={retryConnectivity} />
          {/* Only once there is something to continue with: before, "Start the check" is the one action. */}
          <button type="button" className="button" onClick={submit}>
            {t('common.continue')}
          </button>
        </>
      )}
    </>
  );
}
