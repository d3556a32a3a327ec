/**
 * A camera kept ready for the next call, and the person's own picture from
 * it: the agent's queue while a citizen waits, and the citizen's waiting
 * room (see call-media-ahead.ts for why). The picture is always shown while
 * the camera is on, so it is never on unseen.
 */
import { useEffect, useRef, useState } from 'react';
import { keepCallMediaReady, stopKeepingCallMediaReady, type AheadDevices } from '../realtime/call-media-ahead.ts';

/** While `active`, keeps the microphone and camera (`devices`, null: the defaults) ready and answers the camera's picture. */
export function useReadyCamera(active: boolean, devices: AheadDevices | null = null): MediaStream | null {
  const [picture, setPicture] = useState<MediaStream | null>(null);
  const microphoneId = devices?.microphoneId ?? null;
  const cameraId = devices?.cameraId ?? null;
  useEffect(() => {
    if (!active) return;
    let gone = false;
    keepCallMediaReady({ microphoneId, cameraId })
      .then(({ video }) => {
        if (!gone && video) setPicture(new MediaStream([video]));
      })
      .catch(() => undefined);
    return () => {
      gone = true;
      setPicture(null);
      // Not released at once: the call about to start may be taking it over right now.
      stopKeepingCallMediaReady();
    };
  }, [active, microphoneId, cameraId]);
  return picture;
}

/** The person's own picture, muted and mirrored like a self-view. */
export function ReadyPicture({ picture, label }: { picture: MediaStream; label: string }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = picture;
  }, [picture]);
  return <video ref={video} className="ready-camera__picture" autoPlay muted playsInline aria-label={label} />;
}
