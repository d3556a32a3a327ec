/**
 * The phone's page (`/u`, after a phone link was opened): made for a 360 px
 * screen, it offers the same two ways as the documents page — photograph
 * the pages (the back camera opens; they become one PDF) or choose a file —
 * with the same progress bar, for the one document the office asked for
 * (or a list of the appointment's documents to pick from). When the file
 * has arrived it says so and sends the citizen back to their computer. It
 * knows the procedure's name and nothing else of the appointment.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { OTHER_SLOT, type DocumentSlotView } from '../../../../shared/documents.ts';
import { UPLOADER_PAGE, type UploaderSlotView, type UploaderView } from '../../../../shared/uploader.ts';
import { ApiError, detectBasePath, isAbort } from '../../../api/client.ts';
import { endPhoneSession, fetchPhoneSession, phoneTusEndpoint } from '../../../api/uploader-api.ts';
import { BackLink } from '../../../components/back-link.tsx';
import { InsetText, Loading } from '../../../components/content.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import type { LoadState } from '../../../hooks/use-load.ts';
import { usePageTitle } from '../../../hooks/use-page-title.ts';
import { DocumentStatusTag } from '../documents/document-status.tsx';
import { FILE_INPUT_ID } from '../documents/file-pick.tsx';
import { PHOTO_INPUT_ID } from '../documents/photo-capture.tsx';
import { limitsText } from '../documents/slot-text.ts';
import { SlotUploadForm } from '../documents/slot-upload-form.tsx';
import { useTusUpload, type UploadController } from '../documents/use-tus-upload.ts';
import { PhoneProblem } from './phone-problem.tsx';

/** A phone slot as the document space's components take it (the phone never sees the files themselves). */
function asSlotView(slot: UploaderSlotView, otherName: string): DocumentSlotView {
  const { count: _count, ...rest } = slot;
  return { ...rest, name: slot.slot === OTHER_SLOT ? otherName : slot.name, documents: [] };
}

/** The appointment's slots to choose from, when the link is for all of them. */
function SlotList({ view, otherName }: { view: UploaderView; otherName: string }) {
  const { t } = useTranslation();
  usePageTitle(t('phone.page.chooseTitle'));
  const open = view.slots.filter((s) => s.open);
  return (
    <>
      <PageHeading caption={view.procedureName}>{t('phone.page.chooseTitle')}</PageHeading>
      {open.length === 0 ? <p className="body">{t('uploads.upload.closed')}</p> : <p className="body">{t('phone.page.chooseIntro')}</p>}
      <ul className="doc-tasks">
        {open.map((slot, index) => (
          <li key={slot.slot} className="doc-tasks__item">
            <div className="doc-tasks__text">
              <Link className="doc-tasks__link" to={`${UPLOADER_PAGE}?slot=${encodeURIComponent(slot.slot)}`} aria-describedby={`phone-slot-${index}`}>
                {slot.slot === OTHER_SLOT ? otherName : slot.name}
              </Link>
            </div>
            <div className="doc-tasks__status">
              <DocumentStatusTag status={slot.status} id={`phone-slot-${index}`} />
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

/** One document's page on the phone. */
function SlotUpload(props: { view: UploaderView; slot: DocumentSlotView; sent: number; controller: UploadController; onFinish: () => void }) {
  const { view, slot, sent, controller, onFinish } = props;
  const { t } = useTranslation();
  const language = useLanguage();
  const [errorCount, setErrorCount] = useState(0);
  const failure = controller.failures[slot.slot];
  usePageTitle(slot.name, failure !== undefined);
  return (
    <>
      {view.slot === null ? <BackLink to={UPLOADER_PAGE} /> : null}
      <ErrorSummary errors={failure ? [{ message: failure.message, fieldId: failure.source === 'photos' ? PHOTO_INPUT_ID : FILE_INPUT_ID }] : []} focusKey={errorCount} />
      <PageHeading caption={view.procedureName}>{slot.name}</PageHeading>
      {slot.description ? <p className="body">{slot.description}</p> : null}
      <p className="body">{limitsText(slot, t, language)}</p>
      {sent > 0 ? <p className="body">{t('phone.page.alreadySent', { count: sent })}</p> : null}
      {slot.open ? null : (
        <InsetText>
          <p className="body">{t('uploads.upload.closed')}</p>
        </InsetText>
      )}
      <SlotUploadForm
        slot={slot}
        controller={controller}
        hint={sent > 0 && slot.slot !== OTHER_SLOT ? t('uploads.upload.replaceHint') : t('uploads.upload.hint')}
        onRefused={() => setErrorCount((n) => n + 1)}
        done={
          <div className="panel phone-received" role="status">
            <h2 className="panel__title">{t('phone.page.receivedTitle')}</h2>
            <div className="panel__body">{t('phone.page.receivedBody')}</div>
          </div>
        }
      />
      {controller.uploads[slot.slot]?.phase === 'done' ? (
        <div className="phone-actions">
          <button type="button" className="button button--secondary" onClick={() => controller.dismiss(slot.slot)}>
            {t('phone.page.another')}
          </button>
          <button type="button" className="button" onClick={onFinish}>
            {t('phone.page.finish')}
          </button>
        </div>
      ) : null}
    </>
  );
}

/** `/u`: the phone's upload page. */
export function PhoneUploadScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const [params] = useSearchParams();
  const [state, setState] = useState<LoadState<UploaderView>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const [ended, setEnded] = useState<unknown>(null);
  const [finished, setFinished] = useState(false);
  const refresh = useCallback(() => setGeneration((n) => n + 1), []);
  const expire = useCallback(() => setEnded(new ApiError(401, 'unauthenticated', '')), []);

  useEffect(() => {
    const controller = new AbortController();
    fetchPhoneSession(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        if (error instanceof ApiError && error.status === 401) setEnded(error);
        // A failed refresh keeps what is on screen.
        else setState((previous) => (previous.status === 'ready' ? previous : { status: 'error', error }));
      },
    );
    return () => controller.abort();
  }, [language, generation]);

  const view = state.status === 'ready' ? state.data : null;
  const controller = useTusUpload({
    scope: `${window.location.origin}${detectBasePath(window.location.pathname)}${UPLOADER_PAGE}`,
    // The session's end identifies it well enough to resume an upload after a reload, and names no one.
    appointment: view?.expiresAt ?? '',
    csrfToken: view?.csrfToken ?? '',
    language,
    onUploaded: refresh,
    onSessionExpired: expire,
    endpoint: phoneTusEndpoint(),
  });

  const finish = async () => {
    try {
      if (view) await endPhoneSession(view.csrfToken);
    } catch {
      // The session ends by itself soon anyway; the citizen is done either way.
    }
    setFinished(true);
  };

  if (finished) return <Finished />;
  if (ended) return <PhoneProblem error={ended} />;
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <PhoneProblem error={state.error} onRetry={refresh} />;
  const data = state.data;
  const otherName = t('uploads.other.name');
  const chosen = data.slot ?? params.get('slot') ?? (data.slots.length === 1 ? (data.slots[0]?.slot ?? null) : null);
  const slot = data.slots.find((s) => s.slot === chosen);
  if (!slot) return <SlotList view={data} otherName={otherName} />;
  return <SlotUpload key={slot.slot} view={data} slot={asSlotView(slot, otherName)} sent={slot.count} controller={controller} onFinish={() => void finish()} />;
}

/** After "I have finished": nothing more to do on the phone. */
function Finished() {
  const { t } = useTranslation();
  usePageTitle(t('phone.page.finishedTitle'));
  return (
    <>
      <PageHeading>{t('phone.page.finishedTitle')}</PageHeading>
      <p className="body">{t('phone.page.finishedBody')}</p>
    </>
  );
}
