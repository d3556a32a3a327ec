/**
 * The catalogue in the administration console (`/staff/admin/procedures`):
 * the list of procedures, the page to add one, and each procedure's page
 * with its settings, required documents and registry form.
 */
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useNavigate } from 'react-router';
import type { AdminProcedure } from '../../../../shared/catalogue-admin.ts';
import { createProcedure, fetchAdminProcedures } from '../../../api/admin-procedures-api.ts';
import { BackLink } from '../../../components/back-link.tsx';
import { Loading, Tag } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { NotFoundScene } from '../../citizen/info-scenes.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { ProcedureDetailsForm } from './procedure-details-form.tsx';
import { ProcedurePage } from './procedure-page.tsx';

/** The section's routes. */
export function ProceduresScene() {
  return (
    <Routes>
      <Route index element={<ProcedureList />} />
      <Route path="new" element={<NewProcedure />} />
      <Route path=":id" element={<ProcedurePage />} />
      <Route path="*" element={<NotFoundScene />} />
    </Routes>
  );
}

/** A text in the page's language, else Catalan, else any. */
export function localText(text: Record<string, string>, lang: string): string {
  return text[lang] ?? text.ca ?? Object.values(text)[0] ?? '';
}

function ProcedureList() {
  const { t } = useTranslation();
  const lang = useLanguage();
  useStaffPageTitle(t('admin.procedures.title'));
  const [state, retry] = useLoad((signal) => fetchAdminProcedures(signal), []);
  return (
    <>
      <PageHeading>{t('admin.procedures.title')}</PageHeading>
      <p className="body">{t('admin.procedures.intro')}</p>
      <p>
        <Link to="/staff/admin/procedures/new" className="button">
          {t('admin.procedures.add')}
        </Link>
      </p>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <LoadProblem error={state.error} onRetry={retry} /> : null}
      {state.status === 'ready' ? <ProcedureTable procedures={state.data} lang={lang} /> : null}
    </>
  );
}

function ProcedureTable({ procedures, lang }: { procedures: AdminProcedure[]; lang: string }) {
  const { t } = useTranslation();
  if (procedures.length === 0) return <p className="body">{t('admin.procedures.none')}</p>;
  return (
    <div className="staff-table-wrap" role="region" aria-labelledby="procedures-caption" tabIndex={0}>
      <table className="staff-table">
        <caption id="procedures-caption" className="staff-table__caption">
          {t('admin.procedures.caption')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('admin.procedures.col.name')}</th>
            <th scope="col">{t('admin.procedures.col.code')}</th>
            <th scope="col">{t('admin.procedures.col.duration')}</th>
            <th scope="col">{t('admin.procedures.col.channels')}</th>
            <th scope="col">{t('admin.procedures.col.upcoming')}</th>
            <th scope="col">{t('admin.procedures.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {procedures.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <Link to={`/staff/admin/procedures/${p.id}`}>{localText(p.name, lang)}</Link>
              </th>
              <td>{p.code}</td>
              <td>{t('admin.procedures.minutes', { count: p.durationMinutes })}</td>
              <td>{p.channels.map((c) => t(`admin.procedure.channel.${c}`)).join(', ')}</td>
              <td>{p.upcomingAppointments}</td>
              <td>{p.archived ? <Tag colour="grey">{t('admin.procedures.archived')}</Tag> : <Tag colour="green">{t('admin.procedures.active')}</Tag>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NewProcedure() {
  const { t } = useTranslation();
  const session = useStaffSession();
  const navigate = useNavigate();
  useStaffPageTitle(t('admin.procedures.newTitle'));
  return (
    <>
      <BackLink to="/staff/admin/procedures" />
      <PageHeading>{t('admin.procedures.newTitle')}</PageHeading>
      <p className="body">{t('admin.procedures.newIntro')}</p>
      <ProcedureDetailsForm
        procedure={null}
        submitLabel={t('admin.procedures.create')}
        onSubmit={async (input) => {
          const created = await createProcedure(session.csrfToken, input);
          void navigate(`/staff/admin/procedures/${created.id}`, { state: { created: true } });
        }}
      />
    </>
  );
}
