/**
 * "Continue on your phone": on the citizen's computer, a QR code (and the
 * same address as text, for whoever cannot scan) that opens the upload page
 * on their phone for ten minutes, once. While a link may be in use the page
 * around it is asked to refresh now and then (`onPoll`), so what the phone
 * sends shows up here without reloading. The citizen can stop the link.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { UPLOADER_LIMITS, type IssuedUploaderView } from '../../../../shared/uploader.ts';
import { ApiError } from '../../../api/client.ts';
import { issuePhoneLink, revokeAllPhoneLinks, revokePhoneLink } from '../../../api/uploader-api.ts';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { QrCode } from '../../../components/qr-code.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { formatInstantTime } from '../../../i18n/format.ts';

/** How often the page refreshes while a phone may be uploading. */
export const PHONE_POLL_MS = 3_000;

/** Props of {@link ContinueOnPhone}. */
export interface ContinueOnPhoneProps {
  csrfToken: string;
  timeZone: string;
  /** The one slot the phone may send to (a document asked for live), or every slot. */
  slot?: string | undefined;
  /** Called every few seconds while a phone may be uploading through the link. */
  onPoll?: () => void;
  /** Ids unique on the page (the panel can appear twice: documents page and call). */
  idPrefix?: string;
}

/** The current time, refreshed every `everyMs` while `active`. */
function useNow(active: boolean, everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [active, everyMs]);
  return now;
}

/** The QR option of the document space (and of a live document request). */
export function ContinueOnPhone({ csrfToken, timeZone, slot, onPoll, idPrefix = 'phone' }: ContinueOnPhoneProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [link, setLink] = useState<IssuedUploaderView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [stopped, setStopped] = useState(false);
  const now = useNow(link !== null, 1_000);
  const openable = link !== null && Date.parse(link.expiresAt) > now;
  // Once opened, a phone may upload for a session's length after the link's last minute.
  const mayUpload = link !== null && Date.parse(link.expiresAt) + UPLOADER_LIMITS.sessionMinutes * 60_000 > now;

  useEffect(() => {
    if (!mayUpload || !onPoll) return;
    const timer = window.setInterval(onPoll, PHONE_POLL_MS);
    return () => window.clearInterval(timer);
  }, [mayUpload, onPoll]);

  const make = async (stopOthers: boolean) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setStopped(false);
    try {
      if (stopOthers) await revokeAllPhoneLinks(csrfToken);
      else if (link) await revokePhoneLink(csrfToken, link.id).catch(() => undefined);
      setLink(await issuePhoneLink(csrfToken, slot));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const stop = async () => {
    if (!link || busy) return;
    setBusy(true);
    setError(null);
    try {
      await revokePhoneLink(csrfToken, link.id);
      setLink(null);
      setStopped(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const headingId = `${idPrefix}-heading`;
  const errorId = `${idPrefix}-error`;
  const tooMany = error instanceof ApiError && error.id === 'uploader_links_limit';
  return (
    <section className="phone-option" aria-labelledby={headingId}>
      <h2 id={headingId} className="heading-m">
        {t('phone.option.heading')}
      </h2>
      <p className="body">{t('phone.option.intro')}</p>
      {error ? (
        <div role="alert">
          <ErrorMessage id={errorId} message={problemMessage(error, t)} />
        </div>
      ) : null}
      {stopped ? (
        <p className="body" role="status">
          {t('phone.option.stopped')}
        </p>
      ) : null}
      {link === null || !openable ? (
        <div className="phone-option__actions">
          {link !== null ? (
            <p className="body" role="status">
              {t('phone.option.expired')}
            </p>
          ) : null}
          <button type="button" className="button button--secondary" aria-disabled={busy} onClick={() => void make(false)}>
            {link === null ? t('phone.option.show') : t('phone.option.showNew')}
          </button>
          {tooMany ? (
            <button type="button" className="button button--secondary" aria-disabled={busy} onClick={() => void make(true)}>
              {t('phone.option.stopOthers')}
            </button>
          ) : null}
        </div>
      ) : (
        <div className="phone-option__code">
          <QrCode value={link.url} label={t('phone.option.qrLabel')} />
          <div className="phone-option__text">
            <p className="body">{t('phone.option.scan')}</p>
            <p className="body">{t('phone.option.typeInstead')}</p>
            <p className="phone-option__url break-word" data-testid="phone-link-url">
              {link.url}
            </p>
            <p className="body">{t('phone.option.expires', { time: formatInstantTime(link.expiresAt, timeZone, language) })}</p>
            <button type="button" className="doc-link-button" aria-disabled={busy} onClick={() => void stop()}>
              {t('phone.option.stop')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
