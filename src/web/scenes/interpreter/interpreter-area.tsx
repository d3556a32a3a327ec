/**
 * The interpreter's area behind an invitation link `/i/:token`: no account,
 * the link is the key. It loads what the link is for (once; a link that does
 * not work says why, in the page's language) and gives it to the two pages
 * below: the device check with the recording consent, and the call. The
 * devices chosen are kept in sessionStorage for this link, so a reload of
 * the call page keeps them.
 */
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useOutletContext, useParams } from 'react-router';
import type { InterpreterInvitationView } from '../../../shared/interpreters.ts';
import { fetchInterpreterInvitation } from '../../api/interpreter-api.ts';
import { Loading } from '../../components/content.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { problemMessage } from '../../components/problem.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { readStored, writeStored } from '../../hooks/use-stored-state.ts';

/** The devices chosen on the check ('' = the browser's default). */
export interface InterpreterDevices {
  cameraId: string;
  microphoneId: string;
}

/** What the interpreter's pages receive. */
export interface InterpreterArea {
  token: string;
  invitation: InterpreterInvitationView;
  /** Replaces the invitation (after the consent). */
  setInvitation: (invitation: InterpreterInvitationView) => void;
  /** The devices chosen on the check, if it was done in this tab. */
  devices: InterpreterDevices | null;
  setDevices: (devices: InterpreterDevices) => void;
  /** `/i/<token>`. */
  base: string;
}

/** The area's state, for the pages below it. */
export function useInterpreterArea(): InterpreterArea {
  return useOutletContext<InterpreterArea>();
}

const DEVICES_KEY = 'interpreter-devices';

/** A link that does not work: why, and what to do. */
function LinkProblem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  usePageTitle(t('interpreter.page.problemTitle'));
  return (
    <>
      <PageHeading>{t('interpreter.page.problemTitle')}</PageHeading>
      <p className="body">{problemMessage(error, t)}</p>
      <p className="body">{t('interpreter.page.problemHelp')}</p>
    </>
  );
}

/** The layout route of `/i/:token`; another link starts from a clean state. */
export function InterpreterAreaLayout() {
  const { token = '' } = useParams();
  return <InterpreterAreaState key={token} token={token} />;
}

function InterpreterAreaState({ token }: { token: string }) {
  const language = useLanguage();
  const [state] = useLoad((signal) => fetchInterpreterInvitation(token, signal), [token, language]);
  const [updated, setInvitation] = useState<InterpreterInvitationView | null>(null);
  const [devices, setDevicesState] = useState<InterpreterDevices | null>(() => {
    const stored = readStored<(InterpreterDevices & { token: string }) | null>(DEVICES_KEY, null);
    return stored?.token === token ? { cameraId: stored.cameraId, microphoneId: stored.microphoneId } : null;
  });
  const setDevices = useCallback(
    (next: InterpreterDevices) => {
      writeStored(DEVICES_KEY, { token, ...next });
      setDevicesState(next);
    },
    [token],
  );
  const loaded = state.status === 'ready' ? state.data : null;
  const invitation = updated ?? loaded;
  const area = useMemo<InterpreterArea | null>(
    () => (invitation ? { token, invitation, setInvitation, devices, setDevices, base: `/i/${encodeURIComponent(token)}` } : null),
    [token, invitation, devices, setDevices],
  );

  if (state.status === 'error') return <LinkProblem error={state.error} />;
  if (!area) return <Loading />;
  return <Outlet context={area} />;
}
