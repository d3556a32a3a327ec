/**
 * The two tables of the data-protection page: the citizen's appointments
 * (what each holds, any legal hold, the delivery to case management and
 * what erasure would do) and, after an erasure, what happened to each.
 * Outcomes are words and tags together, never colour alone.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { pickLocalised } from '../../../../shared/localised.ts';
import type { DataProtectionAppointmentView, DataProtectionEraseView } from '../../../../shared/data-protection.ts';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';

/** The citizen's appointments. */
export function AppointmentsTable({ appointments }: { appointments: DataProtectionAppointmentView[] }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const organisation = useOrganisation();
  return (
    <div className="staff-table-wrap" role="region" aria-labelledby="dp-caption" tabIndex={0}>
      <table className="staff-table">
        <caption id="dp-caption" className="staff-table__caption">
          {t('adminDataProtection.found.caption')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('adminDataProtection.col.reference')}</th>
            <th scope="col">{t('adminDataProtection.col.procedure')}</th>
            <th scope="col">{t('adminDataProtection.col.when')}</th>
            <th scope="col">{t('adminDataProtection.col.status')}</th>
            <th scope="col">{t('adminDataProtection.col.person')}</th>
            <th scope="col">{t('adminDataProtection.col.held')}</th>
            <th scope="col">{t('adminDataProtection.col.hold')}</th>
            <th scope="col">{t('adminDataProtection.col.delivery')}</th>
            <th scope="col">{t('adminDataProtection.col.onErase')}</th>
          </tr>
        </thead>
        <tbody>
          {appointments.map((a) => (
            <tr key={a.id}>
              <td>
                <Link to={`/staff/appointments/${a.id}`}>{a.reference}</Link>
              </td>
              <td>{pickLocalised(a.procedure, language)}</td>
              <td>
                {formatInstantDate(a.startsAt, organisation.timeZone, language)} {formatInstantTime(a.startsAt, organisation.timeZone, language)}
              </td>
              <td>{t(`staff.status.${a.status}`, { defaultValue: a.status })}</td>
              <td>
                {a.citizenName}
                <br />
                <span className="hint">{a.idNumberMasked}</span>
              </td>
              <td>{heldText(a, t)}</td>
              <td>{a.legalHold ? t('adminDataProtection.hold.yes', { reason: a.legalHold.reason }) : t('adminDataProtection.hold.no')}</td>
              <td>{t(`adminDataProtection.delivery.${a.delivery}`)}</td>
              <td>
                <strong className={a.onErase === 'erase' ? 'tag tag--red' : 'tag tag--grey'}>{t(`adminDataProtection.onErase.${a.onErase}`)}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "2 documents, the recording, 3 snapshots…" or "nothing". */
function heldText(a: DataProtectionAppointmentView, t: (key: string, values?: Record<string, unknown>) => string): string {
  const parts: string[] = [];
  if (a.held.documents > 0) parts.push(t('adminDataProtection.held.documents', { count: a.held.documents }));
  if (a.held.recording) parts.push(t('adminDataProtection.held.recording'));
  if (a.held.snapshots > 0) parts.push(t('adminDataProtection.held.snapshots', { count: a.held.snapshots }));
  if (a.held.packages > 0) parts.push(t('adminDataProtection.held.packages', { count: a.held.packages }));
  if (a.held.receipt) parts.push(t('adminDataProtection.held.receipt'));
  return parts.length > 0 ? parts.join(', ') : t('adminDataProtection.held.nothing');
}

/** What the erasure did, appointment by appointment. */
export function EraseResults({ view }: { view: DataProtectionEraseView }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="dp-erased">
      <h2 id="dp-erased" className="heading-m">
        {t('adminDataProtection.result.title')}
      </h2>
      <div className="staff-table-wrap" role="region" aria-labelledby="dp-result-caption" tabIndex={0}>
        <table className="staff-table">
          <caption id="dp-result-caption" className="staff-table__caption">
            {t('adminDataProtection.result.caption')}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('adminDataProtection.col.reference')}</th>
              <th scope="col">{t('adminDataProtection.result.outcome')}</th>
              <th scope="col">{t('adminDataProtection.result.why')}</th>
            </tr>
          </thead>
          <tbody>
            {view.results.map((r) => (
              <tr key={r.id}>
                <td>{r.reference}</td>
                <td>
                  <strong className={r.outcome === 'erased' ? 'tag tag--green' : 'tag tag--grey'}>{t(`adminDataProtection.result.${r.outcome}`)}</strong>
                </td>
                <td>{r.reason ? t(`adminDataProtection.reason.${r.reason}`) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
