/**
 * Plain-language help when the camera or microphone does not work: what
 * happened and what to do, with the steps of the citizen's own browser when
 * permission was refused.
 */
import { useTranslation } from 'react-i18next';
import { detectBrowser, type BrowserInfo, type MediaProblem } from './media-problems.ts';

/** The sets of steps the catalogues hold, each three steps long. */
type StepsVariant =
  | 'chrome_desktop'
  | 'chrome_android'
  | 'chrome_ios'
  | 'edge'
  | 'firefox_desktop'
  | 'firefox_mobile'
  | 'safari_desktop'
  | 'safari_ios'
  | 'other';

const STEP_COUNT = 3;

function stepsVariant({ family, platform }: BrowserInfo): StepsVariant {
  switch (family) {
    case 'chrome':
      return platform === 'ios' ? 'chrome_ios' : platform === 'android' ? 'chrome_android' : 'chrome_desktop';
    case 'edge':
      return 'edge';
    case 'firefox':
      return platform === 'desktop' ? 'firefox_desktop' : 'firefox_mobile';
    case 'safari':
      return platform === 'ios' ? 'safari_ios' : 'safari_desktop';
    default:
      return 'other';
  }
}

function currentBrowser(): BrowserInfo {
  return detectBrowser(typeof navigator === 'undefined' ? '' : navigator.userAgent);
}

/** How to allow the camera and microphone in this browser (after NotAllowedError). */
export function PermissionHelp({ onRetry }: { onRetry: () => void }) {
  const { t } = useTranslation();
  const browser = currentBrowser();
  const variant = stepsVariant(browser);
  return (
    <div className="device-help" id="permission-help">
      <h2 className="heading-m">{t('call.problem.denied.heading', { browser: browser.family })}</h2>
      <p className="body">{t('call.problem.denied.intro')}</p>
      <ol className="list list--number">
        {Array.from({ length: STEP_COUNT }, (_, i) => (
          <li key={i}>{t(`call.problem.steps.${variant}.${i + 1}`)}</li>
        ))}
      </ol>
      {browser.platform === 'desktop' ? <p className="body">{t('call.problem.denied.system')}</p> : null}
      <button type="button" className="button button--secondary" onClick={onRetry}>
        {t('call.deviceCheck.tryAgain')}
      </button>
    </div>
  );
}

/** What to do about a problem other than permission, for one device. */
export function DeviceProblem({ device, problem }: { device: 'camera' | 'microphone'; problem: Exclude<MediaProblem, 'denied'> }) {
  const { t } = useTranslation();
  return <p className="body">{t(`call.problem.${problem}.${device}`)}</p>;
}
