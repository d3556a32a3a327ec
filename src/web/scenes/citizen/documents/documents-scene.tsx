/**
 * The citizen's document space of one appointment (`/a/:token/documents`):
 * a task list of the documents the procedure asks for, and one page per
 * document (`?slot=<id>`) to upload it. The uploads live here, above both
 * pages, so going back to the list does not stop them.
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { detectBasePath } from '../../../api/client.ts';
import { Loading } from '../../../components/content.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useCitizenSession } from '../citizen-area.tsx';
import { ContinueOnPhone } from '../phone/continue-on-phone.tsx';
import { DocumentsOverview } from './documents-overview.tsx';
import { SlotPage } from './slot-page.tsx';
import { withOtherSlotNamed } from './slot-text.ts';
import { useDocumentSpace } from './use-document-space.ts';
import { useTusUpload } from './use-tus-upload.ts';

/** The document space. */
export function DocumentsScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { session, setSession, base } = useCitizenSession();
  const [params] = useSearchParams();
  const { appointment } = session;
  // Signing in again (the password page) resumes here; unfinished uploads continue when their file is chosen again.
  const expire = useCallback(() => setSession(null), [setSession]);
  const space = useDocumentSpace(language, expire);
  const { refresh } = space;
  const controller = useTusUpload({
    scope: `${window.location.origin}${detectBasePath(window.location.pathname)}`,
    appointment: appointment.reference,
    csrfToken: session.csrfToken,
    language,
    onUploaded: refresh,
    onSessionExpired: expire,
  });

  if (space.state.status === 'loading') return <Loading />;
  if (space.state.status === 'error') return <LoadProblem error={space.state.error} onRetry={space.retry} />;
  const view = withOtherSlotNamed(space.state.data, t);
  const slotId = params.get('slot');
  const slot = slotId === null ? undefined : view.slots.find((s) => s.slot === slotId);
  if (slot) {
    return (
      <SlotPage
        key={slot.slot}
        slot={slot}
        controller={controller}
        csrfToken={session.csrfToken}
        timeZone={appointment.timeZone}
        listPath={`${base}/documents`}
        onChanged={refresh}
        onSessionExpired={expire}
        extra={<ContinueOnPhone csrfToken={session.csrfToken} timeZone={appointment.timeZone} slot={slot.slot} onPoll={refresh} />}
      />
    );
  }
  return (
    <DocumentsOverview
      view={view}
      controller={controller}
      procedureName={appointment.procedure.name}
      timeZone={appointment.timeZone}
      base={base}
      extra={
        view.slots.some((s) => s.open) ? <ContinueOnPhone csrfToken={session.csrfToken} timeZone={appointment.timeZone} onPoll={refresh} /> : null
      }
    />
  );
}
