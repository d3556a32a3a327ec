/**
 * The route table. Paths are language-neutral; the organisation's path
 * prefix (`/o/<slug>`), when present, is the router's basename.
 */
import { Navigate, type RouteObject } from 'react-router';
import { Layout } from './components/layout.tsx';
import { AccessScene } from './scenes/citizen/access-scene.tsx';
import { AppointmentScene } from './scenes/citizen/appointment-scene.tsx';
import { CancelledScene, CancelScene } from './scenes/citizen/cancel-scene.tsx';
import {
  ChangeCheckScene,
  ChangeDateScene,
  ChangedScene,
  ChangeTakenScene,
  ChangeTimeScene,
} from './scenes/citizen/change-scenes.tsx';
import { CheckScene } from './scenes/citizen/check-scene.tsx';
import { CitizenAreaLayout, RequireSession } from './scenes/citizen/citizen-area.tsx';
import { DateScene } from './scenes/citizen/date-scene.tsx';
import { DetailsScene } from './scenes/citizen/details-scene.tsx';
import { DoneScene } from './scenes/citizen/done-scene.tsx';
import { DocumentsScene } from './scenes/citizen/documents/documents-scene.tsx';
import { ConsentScene, DeviceCheckScene, WaitingRoomScene } from './scenes/citizen/call/citizen-call-scenes.tsx';
import { AccessibilityScene, NotFoundScene, PrivacyScene } from './scenes/citizen/info-scenes.tsx';
import { PhoneLinkScene } from './scenes/citizen/phone/phone-link-scene.tsx';
import { PhoneUploadScene } from './scenes/citizen/phone/phone-upload-scene.tsx';
import { PrepareScene } from './scenes/citizen/prepare-scene.tsx';
import { InterpreterAreaLayout } from './scenes/interpreter/interpreter-area.tsx';
import { InterpreterCallScene } from './scenes/interpreter/interpreter-call-scene.tsx';
import { InterpreterCheckScene } from './scenes/interpreter/interpreter-check-scene.tsx';
import { AccountScene } from './scenes/staff/account-scene.tsx';
import { AgendaScene } from './scenes/staff/agenda-scene.tsx';
import { DocumentViewerScene } from './scenes/staff/documents/document-viewer-scene.tsx';
import { IndicatorsScene } from './scenes/staff/indicators/indicators-scene.tsx';
import { DeliveriesScene } from './scenes/staff/deliveries/deliveries-scene.tsx';
import { LegalHoldsScene } from './scenes/staff/legal-holds/legal-holds-scene.tsx';
import { QueueScene } from './scenes/staff/queue/queue-scene.tsx';
import { StaffCallScene } from './scenes/staff/queue/staff-call-scene.tsx';
import { AppointmentScene as StaffAppointmentScene } from './scenes/staff/appointment-scene.tsx';
import { LoginScene as StaffLoginScene } from './scenes/staff/login-scene.tsx';
import { NewCheckScene } from './scenes/staff/new/new-check-scene.tsx';
import { NewDetailsScene } from './scenes/staff/new/new-details-scene.tsx';
import { NewDoneScene } from './scenes/staff/new/new-done-scene.tsx';
import { NewDateScene, NewTakenScene, NewTimeScene } from './scenes/staff/new/new-slot-scenes.tsx';
import { NewStartScene } from './scenes/staff/new/new-start-scene.tsx';
import { RequireStaff, StaffAreaLayout } from './scenes/staff/staff-area.tsx';
import { InvitationScene } from './scenes/admin/people/invitation-scene.tsx';
import { StartScene } from './scenes/citizen/start-scene.tsx';
import { TakenScene } from './scenes/citizen/taken-scene.tsx';
import { TimeScene } from './scenes/citizen/time-scene.tsx';
import { VerifyScene } from './scenes/citizen/verify/verify-scene.tsx';
import { CitizenSurveyScene, CitizenSurveyThanksScene, LinkSurveyScene, LinkSurveyThanksScene } from './scenes/citizen/survey/survey-scenes.tsx';

/** Every page of the web app. */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { index: true, element: <StartScene /> },
      { path: 'book/done', element: <DoneScene /> },
      { path: 'book/:procedureId/prepare', element: <PrepareScene /> },
      { path: 'book/:procedureId/date', element: <DateScene /> },
      { path: 'book/:procedureId/time', element: <TimeScene /> },
      { path: 'book/:procedureId/details', element: <DetailsScene /> },
      { path: 'book/:procedureId/check', element: <CheckScene /> },
      { path: 'book/:procedureId/taken', element: <TakenScene /> },
      {
        path: 'a/:token',
        element: <CitizenAreaLayout />,
        children: [
          { index: true, element: <AccessScene /> },
          {
            element: <RequireSession />,
            children: [
              { path: 'appointment', element: <AppointmentScene /> },
              { path: 'documents', element: <DocumentsScene /> },
              { path: 'join', element: <DeviceCheckScene /> },
              { path: 'join/consent', element: <ConsentScene /> },
              { path: 'waiting-room', element: <WaitingRoomScene /> },
              { path: 'cancel', element: <CancelScene /> },
              { path: 'cancelled', element: <CancelledScene /> },
              { path: 'change', element: <ChangeDateScene /> },
              { path: 'change/time', element: <ChangeTimeScene /> },
              { path: 'change/check', element: <ChangeCheckScene /> },
              { path: 'change/taken', element: <ChangeTakenScene /> },
              { path: 'changed', element: <ChangedScene /> },
              { path: 'survey', element: <CitizenSurveyScene /> },
              { path: 'survey/thanks', element: <CitizenSurveyThanksScene /> },
            ],
          },
        ],
      },
      {
        path: 'i/:token',
        element: <InterpreterAreaLayout />,
        children: [
          { index: true, element: <InterpreterCheckScene /> },
          { path: 'call', element: <InterpreterCallScene /> },
        ],
      },
      {
        path: 'staff',
        element: <StaffAreaLayout />,
        children: [
          { path: 'login', element: <StaffLoginScene /> },
          { path: 'invitation/:token', element: <InvitationScene /> },
          {
            element: <RequireStaff />,
            children: [
              { index: true, element: <AgendaScene /> },
              { path: 'appointments/new', element: <NewStartScene /> },
              { path: 'appointments/new/date', element: <NewDateScene /> },
              { path: 'appointments/new/time', element: <NewTimeScene /> },
              { path: 'appointments/new/details', element: <NewDetailsScene /> },
              { path: 'appointments/new/check', element: <NewCheckScene /> },
              { path: 'appointments/new/taken', element: <NewTakenScene /> },
              { path: 'appointments/new/done', element: <NewDoneScene /> },
              { path: 'appointments/:id', element: <StaffAppointmentScene /> },
              { path: 'appointments/:id/documents/:documentId', element: <DocumentViewerScene /> },
              { path: 'account', element: <AccountScene /> },
              { path: 'queue', element: <QueueScene /> },
              { path: 'calls/:id', element: <StaffCallScene /> },
              { path: 'indicators', element: <IndicatorsScene /> },
              { path: 'deliveries', element: <DeliveriesScene /> },
              { path: 'legal-holds', element: <LegalHoldsScene /> },
              {
                // The console is loaded only when an administrator opens it: citizens' phones never download it.
                path: 'admin',
                lazy: async () => ({ Component: (await import('./scenes/admin/admin-layout.tsx')).AdminLayout }),
                children: [
                  { index: true, element: <Navigate to="procedures" replace /> },
                  // Each section owns the addresses below its own (nested <Routes>).
                  { path: 'procedures/*', lazy: async () => ({ Component: (await import('./scenes/admin/procedures/procedures-scene.tsx')).ProceduresScene }) },
                  { path: 'schedules/*', lazy: async () => ({ Component: (await import('./scenes/admin/schedules/schedules-area.tsx')).SchedulesArea }) },
                  { path: 'staff/*', lazy: async () => ({ Component: (await import('./scenes/admin/people/staff-area.tsx')).StaffAdminArea }) },
                  { path: 'organisation', lazy: async () => ({ Component: (await import('./scenes/admin/people/organisation-scene.tsx')).OrganisationScene }) },
                  { path: 'seal', lazy: async () => ({ Component: (await import('./scenes/admin/integrations/seal-scene.tsx')).SealScene }) },
                  { path: 'integrations/*', lazy: async () => ({ Component: (await import('./scenes/admin/integrations/integrations-scene.tsx')).IntegrationsScene }) },
                  { path: 'audit', lazy: async () => ({ Component: (await import('./scenes/admin/audit/audit-scene.tsx')).AuditScene }) },
                  { path: 'data-protection', lazy: async () => ({ Component: (await import('./scenes/admin/data-protection/data-protection-scene.tsx')).DataProtectionScene }) },
                ],
              },
            ],
          },
        ],
      },
      // A phone continuing the citizen's uploads (a phone link, then its own session).
      { path: 'u', element: <PhoneUploadScene /> },
      { path: 'u/:token', element: <PhoneLinkScene /> },
      { path: 'verify', element: <VerifyScene /> },
      { path: 'verify/:csv', element: <VerifyScene /> },
      // The survey from the emailed link (the link is the credential).
      { path: 'survey/thanks', element: <LinkSurveyThanksScene /> },
      { path: 'survey/:token', element: <LinkSurveyScene /> },
      { path: 'accessibility', element: <AccessibilityScene /> },
      { path: 'privacy', element: <PrivacyScene /> },
      { path: '*', element: <NotFoundScene /> },
    ],
  },
];
