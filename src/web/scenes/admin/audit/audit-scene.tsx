/**
 * The audit trail in the administration console (`/staff/admin/audit`,
 * issue 7): who did what to personal data, when and from where — newest
 * first, filtered by action, member of staff, appointment reference and
 * dates (the filters live in the address, so a search can be shared), 50
 * entries a page with "older entries" after them. "Check the chain" walks
 * the whole hash chain on the server and says whether it is whole or where
 * it breaks.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { AuditEntryView, AuditVerdictView } from '../../../../shared/audit.ts';
import { fetchAudit, verifyAuditChain } from '../../../api/admin-audit-api.ts';
import { Loading } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem, problemMessage } from '../../../components/problem.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';

const FILTERS = ['action', 'staffId', 'reference', 'from', 'to'] as const;

/** The details of an entry in words: changed fields as "field: before → after", other ids as "key: value". */
function detailsText(details: Record<string, unknown>): string {
  const parts: string[] = [];
  const changes = details.changes;
  if (changes && typeof changes === 'object') {
    for (const [field, change] of Object.entries(changes as Record<string, { before?: unknown; after?: unknown }>)) {
      parts.push(`${field}: ${JSON.stringify(change.before ?? null)} → ${JSON.stringify(change.after ?? null)}`);
    }
  }
  for (const [key, value] of Object.entries(details)) if (key !== 'changes') parts.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return parts.join('; ');
}

/** The page. */
export function AuditScene() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  useStaffPageTitle(t('admin.audit.title'));
  const filters: Record<string, string> = {};
  for (const k of FILTERS) {
    const v = params.get(k);
    if (v) filters[k] = v;
  }
  const before = params.get('before');
  const query: Record<string, string> = before ? { ...filters, before } : { ...filters };
  const key = new URLSearchParams(query).toString();
  const [state, retry] = useLoad((signal) => fetchAudit(query, signal), [key]);
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])));

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams(Object.entries(draft).filter(([, v]) => v.trim() !== ''));
    void navigate(`/staff/admin/audit${next.size ? `?${next.toString()}` : ''}`);
  };

  return (
    <>
      <PageHeading>{t('admin.audit.title')}</PageHeading>
      <p className="body">{t('admin.audit.intro')}</p>
      <ChainCheck />
      <form onSubmit={apply} noValidate className="admin-filters" role="search" aria-label={t('admin.audit.filtersLabel')}>
        <div className="admin-form__row">
          <TextField id="audit-action" name="action" label={t('admin.audit.filter.action')} hint={t('admin.audit.filter.actionHint')} value={draft.action ?? ''} onChange={(v) => setDraft((d) => ({ ...d, action: v }))} width="half" spellCheck={false} autoCapitalize="none" maxLength={80} />
          <StaffSelect
            id="audit-staff"
            name="staffId"
            label={t('admin.audit.filter.staff')}
            value={draft.staffId ?? ''}
            onChange={(v) => setDraft((d) => ({ ...d, staffId: v }))}
            options={[{ value: '', label: t('admin.audit.filter.anyone') }, ...(state.status === 'ready' ? state.data.staff.map((s) => ({ value: s.id, label: s.name })) : [])]}
          />
          <TextField id="audit-reference" name="reference" label={t('admin.audit.filter.reference')} value={draft.reference ?? ''} onChange={(v) => setDraft((d) => ({ ...d, reference: v }))} width="quarter" autoCapitalize="characters" maxLength={40} />
          <TextField id="audit-from" name="from" type="date" label={t('admin.audit.filter.from')} value={draft.from ?? ''} onChange={(v) => setDraft((d) => ({ ...d, from: v }))} width="quarter" />
          <TextField id="audit-to" name="to" type="date" label={t('admin.audit.filter.to')} value={draft.to ?? ''} onChange={(v) => setDraft((d) => ({ ...d, to: v }))} width="quarter" />
        </div>
        <button type="submit" className="button button--secondary">
          {t('admin.audit.filter.apply')}
        </button>
      </form>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <LoadProblem error={state.error} onRetry={retry} /> : null}
      {state.status === 'ready' ? (
        <>
          <AuditTable entries={state.data.entries} />
          {state.data.nextBefore !== null ? (
            <p className="body">
              <Link to={`/staff/admin/audit?${new URLSearchParams({ ...filters, before: String(state.data.nextBefore) }).toString()}`}>{t('admin.audit.older')}</Link>
            </p>
          ) : null}
        </>
      ) : null}
    </>
  );
}

function AuditTable({ entries }: { entries: AuditEntryView[] }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const organisation = useOrganisation();
  if (entries.length === 0) return <p className="body">{t('admin.audit.none')}</p>;
  return (
    <div className="staff-table-wrap" role="region" aria-labelledby="audit-caption" tabIndex={0}>
      <table className="staff-table">
        <caption id="audit-caption" className="staff-table__caption">
          {t('admin.audit.caption')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('admin.audit.col.seq')}</th>
            <th scope="col">{t('admin.audit.col.when')}</th>
            <th scope="col">{t('admin.audit.col.who')}</th>
            <th scope="col">{t('admin.audit.col.what')}</th>
            <th scope="col">{t('admin.audit.col.on')}</th>
            <th scope="col">{t('admin.audit.col.from')}</th>
            <th scope="col">{t('admin.audit.col.details')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>
                {formatInstantDate(e.at, organisation.timeZone, lang)} {formatInstantTime(e.at, organisation.timeZone, lang)}
              </td>
              <td>{e.actorName ?? (e.actor === 'system' ? t('admin.audit.system') : e.actor)}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                {e.appointmentId && e.appointmentReference ? <Link to={`/staff/appointments/${e.appointmentId}`}>{e.appointmentReference}</Link> : null}
                {e.target ? <span className="admin-audit__target">{e.target}</span> : null}
              </td>
              <td>{e.ip ?? ''}</td>
              <td className="admin-audit__details">{detailsText(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ChainCheck() {
  const { t } = useTranslation();
  const session = useStaffSession();
  const [verdict, setVerdict] = useState<AuditVerdictView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="admin-audit__check">
      <button
        type="button"
        className="button button--secondary"
        aria-disabled={busy}
        onClick={() => {
          if (busy) return;
          setBusy(true);
          setProblem(null);
          verifyAuditChain(session.csrfToken)
            .then(setVerdict, (error: unknown) => setProblem(problemMessage(error, t)))
            .finally(() => setBusy(false));
        }}
      >
        {busy ? t('admin.audit.checking') : t('admin.audit.check')}
      </button>
      <div role="status" aria-live="polite">
        {verdict ? (
          verdict.ok ? (
            <>
              <p className="body admin-audit__whole">{t('admin.audit.whole', { count: verdict.rows })}</p>
              <p className="body">{verdict.anchoredSeq ? t('admin.audit.anchored', { seq: verdict.anchoredSeq }) : t('admin.audit.notAnchored')}</p>
            </>
          ) : (
            <p className="body error-message">{t('admin.audit.broken', { seq: verdict.seq ?? 0, problem: verdict.problem ?? '' })}</p>
          )
        ) : null}
        {problem ? <p className="body error-message">{problem}</p> : null}
      </div>
    </div>
  );
}
