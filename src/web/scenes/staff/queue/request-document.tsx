/**
 * "Request a document" during a call: the agent picks one of the documents
 * the appointment asks for (or "other documents") and may add a note; the
 * citizen's screen opens the upload panel for it at once (`request_document`).
 * The choices come from the appointment's documents view, so a slot always
 * exists on the server.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchStaffDocuments } from '../../../api/staff-documents-api.ts';
import { Loading } from '../../../components/content.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { TextArea } from '../../../components/text-field.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { slotName } from '../documents/document-labels.tsx';

/** Props of {@link RequestDocument}. */
export interface RequestDocumentProps {
  appointmentId: string;
  /** Sends the request; answers whether it went (false while the connection is down). */
  onRequest: (slot: string, note: string | undefined) => boolean;
}

/** Longest note the protocol takes. */
const NOTE_MAX = 500;

/** The form. */
export function RequestDocument({ appointmentId, onRequest }: RequestDocumentProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [view] = useLoad((signal) => fetchStaffDocuments(appointmentId, signal), [appointmentId, language]);
  const [slot, setSlot] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [sent, setSent] = useState<{ n: number; text: string } | null>(null);

  const slots = view.status === 'ready' ? view.data.slots : [];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = slots.find((s) => s.slot === slot);
    if (!chosen) {
      setError(t('live.request.slotError'));
      document.getElementById('request-slot')?.focus();
      return;
    }
    setError(undefined);
    const trimmed = note.trim().slice(0, NOTE_MAX);
    const ok = onRequest(chosen.slot, trimmed || undefined);
    setSent((previous) => ({
      n: (previous?.n ?? 0) + 1,
      text: ok ? t('live.request.sent', { document: slotName(chosen, t) }) : t('live.queue.notSent'),
    }));
    if (ok) setNote('');
  };

  return (
    <section className="request-document" aria-labelledby="request-document-heading">
      <h2 id="request-document-heading" className="heading-m">
        {t('live.request.heading')}
      </h2>
      {view.status === 'loading' ? <Loading /> : null}
      {view.status === 'error' ? <p className="body">{t('live.request.loadFailed')}</p> : null}
      {view.status === 'ready' ? (
        <form onSubmit={submit} noValidate>
          <StaffSelect
            id="request-slot"
            name="slot"
            label={t('live.request.slotLabel')}
            value={slot}
            error={error}
            onChange={setSlot}
            options={[{ value: '', label: t('live.request.choose') }, ...slots.map((s) => ({ value: s.slot, label: slotName(s, t) }))]}
          />
          <TextArea
            id="request-note"
            name="note"
            label={t('live.request.noteLabel')}
            hint={t('live.request.noteHint', { max: NOTE_MAX })}
            value={note}
            onChange={setNote}
            maxLength={NOTE_MAX}
            rows={3}
          />
          <button type="submit" className="button button--secondary">
            {t('live.request.submit')}
          </button>
          <div role="status" className="request-document__status">
            {sent ? (
              <p key={sent.n} className="body">
                {sent.text}
              </p>
            ) : null}
          </div>
        </form>
      ) : null}
    </section>
  );
}
