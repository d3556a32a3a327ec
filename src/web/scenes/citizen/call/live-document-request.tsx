/**
 * A document the agent asks for during the call (`document_requested`):
 * the citizen's screen shows what is asked and the agent's note, and the
 * ways to send it without leaving the call — choose a file, photograph the
 * pages, or continue on the phone with a QR code limited to that document.
 * The panel keeps the document space fresh while a phone may be sending,
 * and says when the document has arrived.
 */
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OTHER_SLOT, type DocumentSpaceView } from '../../../../shared/documents.ts';
import { detectBasePath } from '../../../api/client.ts';
import { fetchDocumentSpace } from '../../../api/documents-api.ts';
import { useLanguage } from '../../../hooks/use-language.ts';
import type { ServerMessageOf, SignallingPort } from '../../../realtime/call-types.ts';
import { limitsText, withOtherSlotNamed } from '../documents/slot-text.ts';
import { SlotUploadForm } from '../documents/slot-upload-form.tsx';
import { useTusUpload } from '../documents/use-tus-upload.ts';
import { ContinueOnPhone } from '../phone/continue-on-phone.tsx';

type Requested = ServerMessageOf<'document_requested'>;

/** Props of {@link LiveDocumentRequest}. */
export interface LiveDocumentRequestProps {
  client: Pick<SignallingPort, 'on'>;
  csrfToken: string;
  timeZone: string;
  /** The appointment's reference (uploads are remembered under it). */
  reference: string;
  onSessionExpired: () => void;
}

/** Documents of the requested slot, to tell when a new one has arrived. */
function countIn(view: DocumentSpaceView | null, slot: string): number {
  return view?.slots.find((s) => s.slot === slot)?.documents.length ?? 0;
}

/** Listens for requests during the call; the panel (and its uploads) exist only while one is open. */
export function LiveDocumentRequest({ client, ...rest }: LiveDocumentRequestProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<{ request: Requested; n: number } | null>(null);
  useEffect(() => client.on('document_requested', (request) => setOpen((previous) => ({ request, n: (previous?.n ?? 0) + 1 }))), [client]);
  return (
    <>
      {/* Always rendered, so the request is read out when it arrives (the panel itself is new content). */}
      <div className="visually-hidden" aria-live="polite">
        {open ? t('phone.request.heading', { document: documentName(open.request, t) }) : ''}
      </div>
      {/* A new request (even for the same slot) is a new panel, with its own "arrived" baseline. */}
      {open ? <RequestPanel key={open.n} request={open.request} onClose={() => setOpen(null)} {...rest} /> : null}
    </>
  );
}

/** The requested document's name ("other documents" is named by the client). */
function documentName(request: Requested, t: TFunction): string {
  return request.name || (request.slot === OTHER_SLOT ? t('uploads.other.name') : '');
}

/** The panel of one request. */
function RequestPanel(props: Omit<LiveDocumentRequestProps, 'client'> & { request: Requested; onClose: () => void }) {
  const { request, onClose, csrfToken, timeZone, reference, onSessionExpired } = props;
  const { t } = useTranslation();
  const language = useLanguage();
  const [space, setSpace] = useState<DocumentSpaceView | null>(null);
  // How many documents the slot held when it was asked for: one more means it has arrived.
  const [baseline, setBaseline] = useState<number | null>(null);

  const load = useCallback(() => {
    void fetchDocumentSpace().then(
      (view) => setSpace(view),
      () => undefined,
    );
  }, []);

  useEffect(() => {
    let current = true;
    void fetchDocumentSpace().then(
      (view) => {
        if (!current) return;
        setSpace(view);
        setBaseline(countIn(view, request.slot));
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [request.slot]);

  const controller = useTusUpload({
    scope: `${window.location.origin}${detectBasePath(window.location.pathname)}`,
    appointment: reference,
    csrfToken,
    language,
    onUploaded: load,
    onSessionExpired,
  });

  const view = space ? withOtherSlotNamed(space, t) : null;
  const slot = view?.slots.find((s) => s.slot === request.slot);
  const name = documentName(request, t);
  const arrived = baseline !== null && countIn(space, request.slot) > baseline;

  return (
    <section className="live-request" aria-labelledby="live-request-heading">
      <h2 id="live-request-heading" className="heading-m">
        {t('phone.request.heading', { document: name })}
      </h2>
      {request.note ? (
        <div className="inset-text">
          <p className="heading-s">{t('phone.request.noteLabel')}</p>
          <p className="body break-word">{request.note}</p>
        </div>
      ) : null}
      <div role="status">{arrived ? <p className="body live-request__arrived">{t('phone.request.arrived', { document: name })}</p> : null}</div>
      {slot ? (
        <>
          <p className="body">{limitsText(slot, t, language)}</p>
          <SlotUploadForm slot={slot} controller={controller} hint={t('uploads.upload.hint')} done={null} />
          {slot.open ? <ContinueOnPhone csrfToken={csrfToken} timeZone={timeZone} slot={slot.slot} onPoll={load} idPrefix="live-phone" /> : null}
        </>
      ) : null}
      <button type="button" className="button button--secondary" onClick={onClose}>
        {t('phone.request.close')}
      </button>
    </section>
  );
}
