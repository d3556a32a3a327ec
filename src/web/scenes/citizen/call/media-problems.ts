/**
 * What went wrong with the camera or microphone, in the few cases a citizen
 * can act on, and which browser they use (the steps to allow the camera
 * differ). Error names from Media Capture and Streams §9.2 (getUserMedia):
 * NotAllowedError, NotFoundError, NotReadableError, OverconstrainedError,
 * plus the older Chrome names still seen in the wild.
 */

/** A camera or microphone problem the page explains. */
export type MediaProblem =
  /** The person or the browser's settings refused permission. */
  | 'denied'
  /** No such device (none connected, or the chosen one was unplugged). */
  | 'not_found'
  /** The device exists but another application or tab holds it. */
  | 'busy'
  /** No getUserMedia at all: an old browser, or a page not served over HTTPS. */
  | 'unsupported'
  /** Anything else. */
  | 'unknown';

/** The outcome for one device. */
export type DeviceOutcome = 'ok' | MediaProblem;

/** Maps a getUserMedia rejection to the problem to explain. */
export function classifyMediaError(error: unknown): MediaProblem {
  const name = typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string' ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return 'not_found';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    case 'TypeError':
      // Thrown when mediaDevices exists but the request cannot be made at all (e.g. insecure context in some engines).
      return 'unsupported';
    default:
      return 'unknown';
  }
}

/** The browsers whose steps the page knows. */
export type BrowserFamily = 'chrome' | 'edge' | 'firefox' | 'safari' | 'other';

/** The browser and, on phones and tablets, the system (the settings differ there). */
export interface BrowserInfo {
  family: BrowserFamily;
  platform: 'ios' | 'android' | 'desktop';
}

/**
 * Recognises the browser from its user agent. Order matters: Edge and most
 * others also say "Chrome", Chrome also says "Safari". On iPhone and iPad
 * every browser is WebKit underneath, but Chrome and Firefox there still keep
 * their own permission settings (CriOS, FxiOS).
 */
export function detectBrowser(userAgent: string): BrowserInfo {
  const ua = userAgent;
  const ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && /Mobile\//.test(ua));
  const android = /Android/.test(ua);
  const platform = ios ? 'ios' : android ? 'android' : 'desktop';
  let family: BrowserFamily;
  if (/Edg(e|A|iOS)?\//.test(ua)) family = 'edge';
  else if (/Firefox\/|FxiOS\//.test(ua)) family = 'firefox';
  else if (/OPR\/|SamsungBrowser\//.test(ua)) family = 'other';
  else if (/Chrome\/|Chromium\/|CriOS\//.test(ua)) family = 'chrome';
  else if (/Safari\//.test(ua) && /Version\//.test(ua)) family = 'safari';
  else family = 'other';
  return { family, platform };
}
