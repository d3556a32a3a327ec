/**
 * The agent's side of a call (`/staff/calls/:id`). Opening the page admits
 * the citizen (`admit`, unless the queue's click did already; opening it
 * again, after a reload or a dropped connection, joins the call again), then shows the call beside the
 * appointment's documents, which refresh as the citizen uploads during the
 * call, a form to ask for a document now, and the guided legal protocol
 * (steps, registry form, consent, receipt). When the call ends the page
 * says so and offers the way back to the queue.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { fetchAppointment } from '../../../api/staff-api.ts';
import { PageHeading } from '../../../components/page-heading.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { callPort, type CallPort } from '../../../realtime/call-port.ts';
import type { CallEndReason, CallStart } from '../../../realtime/call-types.ts';
import { useConnectionState } from '../../../realtime/use-connection-state.ts';
import type { CallSession } from '../../../realtime/call-session.ts';
import { CallView } from '../../call/call-view.tsx';
import { DocumentsSection } from '../documents/documents-section.tsx';
import { InterpreterPanel } from '../interpreters/interpreter-panel.tsx';
import { fullName } from '../staff-labels.tsx';
import { useStaffPageTitle, useStaffSession } from '../staff-session.ts';
import { ProtocolPanel } from './protocol-panel.tsx';
import { RecordingPanel } from './recording-panel.tsx';
import { RequestDocument } from './request-document.tsx';
import { SnapshotPanel } from './snapshot-panel.tsx';
import { useStaffSignalling } from './staff-signalling.ts';
import { WrapupPanel } from '../wrapup/wrapup-panel.tsx';
import { takeAdmission } from './admission-ahead.ts';
import { useCallUp } from './use-call-up.ts';
import { useOnWelcome } from './use-queue.ts';

/** The messages this page sends, whose refusals it shows. */
const CALL_MESSAGES: ReadonlySet<string> = new Set(['admit', 'request_document', 'return_to_waiting', 'signal', 'chat', 'media_state', 'hang_up']);

/** The call page. */
export function StaffCallScene() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const language = useLanguage();
  const { timeZone } = useOrganisation();
  const session = useStaffSession();
  const client = useStaffSignalling(session.csrfToken);
  const connection = useConnectionState(client);
  const [appointment] = useLoad((signal) => fetchAppointment(id, signal), [id, language]);
  const [start, setStart] = useState<CallStart | null>(null);
  const [ended, setEnded] = useState<CallEndReason | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [documentsVersion, setDocumentsVersion] = useState(0);
  const [arrived, setArrived] = useState<{ n: number; text: string } | null>(null);
  const [callSession, setCallSession] = useState<CallSession | null>(null);
  const endedRef = useRef(ended);
  useEffect(() => {
    endedRef.current = ended;
  });

  const detail = appointment.status === 'ready' ? appointment.data.appointment : null;
  // The call first: the panels beside it (recording, snapshots, protocol, documents, interpreter)
  // load once it is up, so their requests do not delay its setting up (use-call-up.ts).
  const callUp = useCallUp(callSession, start);
  const panelStart = callUp ? start : null;
  const panelDetail = callUp || ended ? detail : null;
  const name = detail ? fullName(detail.citizen, t) : null;
  useStaffPageTitle(name ? t('live.staffCall.title', { name }) : t('live.staffCall.titleUnnamed'));

  // Holds the other side's first offer should it arrive before the call view listens (set up before admitting).
  // The queue's click may have admitted already (admission-ahead.ts): take over its port and what came back.
  const [port, setPort] = useState<CallPort | null>(null);
  const admittedAhead = useRef(false);
  useEffect(() => {
    if (!client) return;
    const admission = takeAdmission(client, id);
    const created = admission?.port ?? callPort(client, id);
    setPort(created);
    if (admission) {
      admittedAhead.current = true;
      if (admission.started) setStart(admission.started);
      if (admission.refused) setProblem(admission.refused.message);
    }
    return () => {
      admission?.stop();
      created.dispose();
      setPort(null);
    };
  }, [client, id]);

  // Admit on the first connection (unless the queue did), and join again after a reconnection unless the call is over.
  useOnWelcome(client, () => {
    if (admittedAhead.current) {
      admittedAhead.current = false;
      return;
    }
    if (endedRef.current === null) client?.send({ type: 'admit', appointmentId: id });
  });

  useEffect(() => {
    if (!client) return;
    const offs = [
      client.on('call_started', (m) => {
        if (m.appointmentId !== id) return;
        setProblem(null);
        setEnded(null);
        setStart(m);
      }),
      client.on('error', (m) => {
        if (!m.replyTo || CALL_MESSAGES.has(m.replyTo)) setProblem(m.message);
      }),
      client.on('document_uploaded', (m) => {
        if (m.appointmentId !== id) return;
        setDocumentsVersion((n) => n + 1);
        setArrived((previous) => ({ n: (previous?.n ?? 0) + 1, text: t('live.staffCall.documentArrived') }));
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client, id, t]);

  const admitAgain = () => {
    setEnded(null);
    setStart(null);
    setProblem(null);
    client?.send({ type: 'admit', appointmentId: id });
  };

  let call;
  if (ended) {
    call = (
      <div className="staff-call__ended">
        <p className="body">{t('live.staffCall.ended', { reason: ended })}</p>
        <ul className="staff-call__links">
          {ended === 'returned_to_waiting' ? (
            <li>
              <button type="button" className="button button--inline" onClick={admitAgain}>
                {t('live.staffCall.admitAgain')}
              </button>
            </li>
          ) : null}
          <li>
            <Link to="/staff/queue">{t('live.staffCall.backToQueue')}</Link>
          </li>
          <li>
            <Link to={`/staff/appointments/${encodeURIComponent(id)}`}>{t('live.staffCall.openAppointment')}</Link>
          </li>
        </ul>
        {ended === 'returned_to_waiting' ? null : <WrapupPanel appointmentId={id} csrfToken={session.csrfToken} />}
      </div>
    );
  } else if (start && port) {
    call = <CallView client={port} start={start} role="agent" onEnded={setEnded} onSession={setCallSession} />;
  } else if (!problem) {
    call = <p className="body">{t('live.staffCall.connecting')}</p>;
  }

  return (
    <>
      <PageHeading caption={detail ? t('live.staffCall.caption', { reference: detail.reference, procedure: detail.procedure.name }) : undefined}>
        {name ? t('live.staffCall.title', { name }) : t('live.staffCall.titleUnnamed')}
      </PageHeading>
      {connection === 'reconnecting' || (connection === 'closed' && client?.reason) ? (
        <div className="queue-connection" role="status">
          <p className="body">{t('live.queue.connection', { state: connection === 'closed' ? (client?.reason ?? 'client') : connection })}</p>
        </div>
      ) : null}
      {problem ? (
        <div className="queue-error" role="alert">
          <p className="body">{problem}</p>
          <p className="body">
            <Link to="/staff/queue">{t('live.staffCall.backToQueue')}</Link>
          </p>
        </div>
      ) : null}
      <div className="staff-call">
        <div className="staff-call__main">
          {call}
          {panelStart && !ended && panelDetail ? (
            <RecordingPanel
              appointmentId={id}
              reference={panelDetail.reference}
              csrfToken={session.csrfToken}
              timeZone={timeZone}
              language={language}
              session={callSession}
              client={client}
            />
          ) : null}
          {panelStart && !ended ? <SnapshotPanel appointmentId={id} csrfToken={session.csrfToken} /> : null}
          {/* Stays after the call ends: the receipt can still be issued for data confirmed in it. */}
          {panelDetail && (panelStart || ended) ? <ProtocolPanel appointmentId={id} csrfToken={session.csrfToken} timeZone={timeZone} client={client} inCall={panelStart !== null && ended === null} /> : null}
          {start && !ended ? (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                if (client?.send({ type: 'return_to_waiting', appointmentId: id }) === false) setProblem(t('live.queue.notSent'));
              }}
            >
              {t('live.queue.return')}
            </button>
          ) : null}
        </div>
        <div className="staff-call__side">
          <div role="status" className="staff-call__arrivals">
            {arrived ? (
              <p key={arrived.n} className="body">
                {arrived.text}
              </p>
            ) : null}
          </div>
          {client ? (
            <RequestDocument
              appointmentId={id}
              onRequest={(slot, note) => client.send({ type: 'request_document', appointmentId: id, slot, ...(note ? { note } : {}) })}
            />
          ) : null}
          {panelDetail ? <InterpreterPanel appointmentId={id} startsAt={panelDetail.startsAt} csrfToken={session.csrfToken} client={client} /> : null}
          {panelDetail ? (
            <DocumentsSection key={documentsVersion} appointmentId={id} appointmentStatus={panelDetail.status} timeZone={timeZone} />
          ) : null}
        </div>
      </div>
    </>
  );
}
