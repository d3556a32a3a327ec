/**
 * One procedure in the administration console: its settings, the documents
 * citizens are asked for, the registry form the agent fills in, and
 * archiving (refused while appointments are still ahead — they are listed,
 * each linking to its page, where it can be reassigned or cancelled).
 * Each part is saved on its own; a banner confirms each save.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import type { BlockingAppointment } from '../../../../shared/catalogue-admin.ts';
import { ApiError } from '../../../api/client.ts';
import {
  archiveProcedure,
  fetchAdminProcedure,
  restoreProcedure,
  saveProcedureForm,
  saveRequiredDocuments,
  updateProcedure,
  type ProcedureDetail,
} from '../../../api/admin-procedures-api.ts';
import { BackLink } from '../../../components/back-link.tsx';
import { Loading, Tag } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { StaffSuccessBanner } from '../../../components/staff-banner.tsx';
import { StaffConfirm } from '../../../components/staff-confirm.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { DocumentsEditor } from './documents-editor.tsx';
import { FormBuilder } from './form-builder.tsx';
import { ProcedureDetailsForm } from './procedure-details-form.tsx';
import { localText } from './procedures-scene.tsx';

/** The page of `/staff/admin/procedures/:id`. */
export function ProcedurePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const [state, retry] = useLoad((signal) => fetchAdminProcedure(id, signal), [id]);
  useStaffPageTitle(state.status === 'ready' ? localText(state.data.procedure.name, 'ca') : t('admin.procedures.title'));
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  return <Loaded initial={state.data} />;
}

function Loaded({ initial }: { initial: ProcedureDetail }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const session = useStaffSession();
  const location = useLocation();
  const created = (location.state as { created?: boolean } | null)?.created === true;
  const [detail, setDetail] = useState(initial);
  const [notice, setNotice] = useState<string | null>(created ? t('admin.procedure.created') : null);
  const { procedure } = detail;
  const id = procedure.id;
  const name = localText(procedure.name, lang);

  return (
    <>
      <BackLink to="/staff/admin/procedures" />
      {notice ? <StaffSuccessBanner message={notice} /> : null}
      <PageHeading caption={t('admin.procedure.caption', { code: procedure.code })}>{name}</PageHeading>
      <p>{procedure.archived ? <Tag colour="grey">{t('admin.procedures.archived')}</Tag> : <Tag colour="green">{t('admin.procedures.active')}</Tag>}</p>
      <nav aria-label={t('admin.procedure.partsLabel')}>
        <ul className="admin-parts">
          <li>
            <a href="#settings">{t('admin.procedure.settingsHeading')}</a>
          </li>
          <li>
            <a href="#documents">{t('admin.documents.heading')}</a>
          </li>
          <li>
            <a href="#registry-form">{t('admin.form.heading')}</a>
          </li>
          <li>
            <a href="#archive">{procedure.archived ? t('admin.archive.restoreHeading') : t('admin.archive.heading')}</a>
          </li>
        </ul>
      </nav>

      <section aria-labelledby="settings" className="admin-section">
        <h2 id="settings" className="heading-m" tabIndex={-1}>
          {t('admin.procedure.settingsHeading')}
        </h2>
        <ProcedureDetailsForm
          key={procedure.updatedAt ?? 'new'}
          procedure={procedure}
          submitLabel={t('admin.procedure.save')}
          onSubmit={async (input) => {
            const saved = await updateProcedure(session.csrfToken, id, input);
            setDetail((d) => ({ ...d, procedure: saved }));
            setNotice(t('admin.procedure.saved'));
          }}
        />
      </section>

      <section aria-labelledby="documents" className="admin-section">
        <h2 id="documents" className="heading-m" tabIndex={-1}>
          {t('admin.documents.heading')}
        </h2>
        <p className="body">{t('admin.documents.intro')}</p>
        <DocumentsEditor
          documents={detail.documents}
          onSave={async (documents) => {
            const saved = await saveRequiredDocuments(session.csrfToken, id, documents);
            setDetail((d) => ({ ...d, documents: saved }));
            setNotice(t('admin.documents.saved', { count: saved.length }));
          }}
        />
      </section>

      <section aria-labelledby="registry-form" className="admin-section">
        <h2 id="registry-form" className="heading-m" tabIndex={-1}>
          {t('admin.form.heading')}
        </h2>
        <p className="body">{t('admin.form.intro')}</p>
        <FormBuilder
          form={detail.form}
          onSave={async (form) => {
            const saved = await saveProcedureForm(session.csrfToken, id, form);
            setDetail((d) => ({ ...d, form: saved }));
            setNotice(t('admin.form.saved', { count: saved.fields.length }));
          }}
        />
      </section>

      <ArchiveSection
        detail={detail}
        onChanged={(p, message) => {
          setDetail((d) => ({ ...d, procedure: p }));
          setNotice(message);
        }}
      />
    </>
  );
}

function ArchiveSection({ detail, onChanged }: { detail: ProcedureDetail; onChanged: (p: ProcedureDetail['procedure'], message: string) => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const organisation = useOrganisation();
  const session = useStaffSession();
  const { procedure } = detail;
  const [confirming, setConfirming] = useState(false);
  const [blocking, setBlocking] = useState<{ count: number; appointments: BlockingAppointment[] } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const act = async (action: 'archive' | 'restore') => {
    setProblem(null);
    try {
      const p = action === 'archive' ? await archiveProcedure(session.csrfToken, procedure.id) : await restoreProcedure(session.csrfToken, procedure.id);
      setConfirming(false);
      setBlocking(null);
      onChanged(p, action === 'archive' ? t('admin.archive.done') : t('admin.archive.restored'));
    } catch (error) {
      setConfirming(false);
      if (error instanceof ApiError && error.id === 'procedure_has_appointments') {
        setBlocking({ count: Number(error.details.count ?? 0), appointments: (error.details.appointments as BlockingAppointment[] | undefined) ?? [] });
      }
      setProblem(error instanceof Error && error.message ? error.message : t('admin.saveFailed'));
    }
  };

  return (
    <section aria-labelledby="archive" className="admin-section">
      <h2 id="archive" className="heading-m" tabIndex={-1}>
        {procedure.archived ? t('admin.archive.restoreHeading') : t('admin.archive.heading')}
      </h2>
      {problem ? (
        <div className="error-summary" role="alert" tabIndex={-1}>
          <p className="error-summary__body">{problem}</p>
          {blocking ? (
            <ul className="error-summary__list">
              {blocking.appointments.map((a) => (
                <li key={a.id}>
                  <Link to={`/staff/appointments/${a.id}`}>
                    {t('admin.archive.blocking', { reference: a.reference, date: formatInstantDate(a.startsAt, organisation.timeZone, lang), time: formatInstantTime(a.startsAt, organisation.timeZone, lang), agent: a.agentName })}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {procedure.archived ? (
        <>
          <p className="body">{t('admin.archive.archivedIntro')}</p>
          <button type="button" className="button button--secondary" onClick={() => void act('restore')}>
            {t('admin.archive.restore')}
          </button>
        </>
      ) : confirming ? (
        <StaffConfirm id="archive-confirm" title={t('admin.archive.confirmTitle')}>
          <p className="body">{t('admin.archive.confirmBody')}</p>
          <div className="button-group">
            <button type="button" className="button button--warning" onClick={() => void act('archive')}>
              {t('admin.archive.confirm')}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
              {t('admin.archive.keep')}
            </button>
          </div>
        </StaffConfirm>
      ) : (
        <>
          <p className="body">{t('admin.archive.intro', { count: procedure.upcomingAppointments })}</p>
          <button type="button" className="button button--warning" onClick={() => setConfirming(true)}>
            {t('admin.archive.action')}
          </button>
        </>
      )}
    </section>
  );
}
