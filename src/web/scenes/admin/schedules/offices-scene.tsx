/**
 * Offices (`/staff/admin/schedules/offices`): the list with how many staff
 * and weekly windows each has, a form to add one, renaming in place, and
 * removal — which the server refuses, saying why, while the office is in use.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createOffice, fetchOffices, removeOffice, renameOffice, type OfficeView } from '../../../api/admin-schedules-api.ts';
import { PageHeading } from '../../../components/page-heading.tsx';
import { StaffConfirm } from '../../../components/staff-confirm.tsx';
import { LoadedRows, StaffTable } from '../../../components/staff-table.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { Feedback, SchedulesNav, usePageFeedback, useScheduleAction } from './schedules-common.tsx';

/** The offices page. */
export function OfficesScene() {
  const { t } = useTranslation();
  const session = useStaffSession();
  const feedback = usePageFeedback();
  useStaffPageTitle(t('adminSchedules.offices.title'), feedback.problems.length > 0);
  const [reload, setReload] = useState(0);
  const [state, retry] = useLoad((signal) => fetchOffices(signal), [reload]);
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<OfficeView | null>(null);
  const [newName, setNewName] = useState('');

  const { busy, run } = useScheduleAction(feedback, () => setReload((n) => n + 1));

  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const office = await createOffice(session.csrfToken, name);
      setName('');
      return t('adminSchedules.offices.created', { name: office.name });
    }, { name: 'office-name' });
  };

  const rename = (event: FormEvent) => {
    event.preventDefault();
    const office = renaming;
    if (!office) return;
    void run(async () => {
      const renamed = await renameOffice(session.csrfToken, office.id, newName);
      setRenaming(null);
      return t('adminSchedules.offices.renamed', { name: renamed.name });
    }, { name: 'office-new-name' });
  };

  const remove = (office: OfficeView) =>
    void run(async () => {
      await removeOffice(session.csrfToken, office.id);
      return t('adminSchedules.offices.removed', { name: office.name });
    }, {});

  return (
    <>
      <Feedback feedback={feedback} />
      <PageHeading caption={t('adminSchedules.title')}>{t('adminSchedules.offices.title')}</PageHeading>
      <SchedulesNav />
      <p className="body">{t('adminSchedules.offices.intro')}</p>
      <LoadedRows loaded={state} onRetry={retry} none={t('adminSchedules.offices.none')}>
        {(offices) => (
          <StaffTable
            id="offices"
            caption={t('adminSchedules.offices.caption')}
            columns={[
              t('adminSchedules.offices.name'),
              { label: t('adminSchedules.offices.staff'), className: 'schedules-table__number' },
              { label: t('adminSchedules.offices.windows'), className: 'schedules-table__number' },
              t('adminSchedules.offices.actions'),
            ]}
            wrapClassName="schedules-table-wrap"
            tableClassName="schedules-table"
          >
            {offices.map((o) => (
              <tr key={o.id}>
                <th scope="row">{o.name}</th>
                <td className="schedules-table__number">{o.staff}</td>
                <td className="schedules-table__number">{o.windows}</td>
                <td>
                  <div className="schedules-actions">
                    <button
                      type="button"
                      className="button button--secondary button--inline"
                      onClick={() => {
                        feedback.start();
                        setRenaming(o);
                        setNewName(o.name);
                      }}
                    >
                      {t('adminSchedules.offices.rename')}
                      <span className="visually-hidden"> {o.name}</span>
                    </button>
                    <button type="button" className="button button--warning button--inline" aria-disabled={busy} onClick={() => remove(o)}>
                      {t('adminSchedules.offices.remove')}
                      <span className="visually-hidden"> {o.name}</span>
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </StaffTable>
        )}
      </LoadedRows>

      {renaming ? (
        <StaffConfirm id="rename-heading" title={t('adminSchedules.offices.renameHeading', { name: renaming.name })}>
          <form onSubmit={rename} noValidate>
            <TextField id="office-new-name" name="name" label={t('adminSchedules.offices.newName')} value={newName} onChange={setNewName} error={feedback.errorOf('office-new-name')} maxLength={120} width="two-thirds" />
            <div className="button-group">
              <button type="submit" className="button" aria-disabled={busy}>
                {t('adminSchedules.offices.save')}
              </button>
              <button type="button" className="button button--secondary" onClick={() => setRenaming(null)}>
                {t('adminSchedules.offices.cancel')}
              </button>
            </div>
          </form>
        </StaffConfirm>
      ) : null}

      <section aria-labelledby="add-office-heading" className="schedules-form">
        <h2 id="add-office-heading" className="heading-m">
          {t('adminSchedules.offices.addHeading')}
        </h2>
        <form onSubmit={add} noValidate>
          <TextField id="office-name" name="name" label={t('adminSchedules.offices.name')} value={name} onChange={setName} error={feedback.errorOf('office-name')} maxLength={120} width="two-thirds" />
          <button type="submit" className="button" aria-disabled={busy}>
            {t('adminSchedules.offices.add')}
          </button>
        </form>
      </section>
    </>
  );
}
