/** The registry receipt on the citizen's appointment page, once the procedure was registered: its number and the sealed PDF. */
import { useTranslation } from 'react-i18next';
import { detectBasePath } from '../../api/client.ts';
import type { CitizenAppointmentView } from '../../api/types.ts';
import { useWhen } from './appointment-view.tsx';

/** "Registered as REGE-…": when, and the link that downloads the sealed receipt. */
export function ReceiptSection({ receipt, timeZone }: { receipt: NonNullable<CitizenAppointmentView['receipt']>; timeZone: string }) {
  const { t } = useTranslation();
  const when = useWhen();
  const { date, time } = when(receipt.registeredAt, timeZone);
  const href = `${detectBasePath(window.location.pathname)}/api/citizen/appointment/receipt`;
  return (
    <>
      <h2 className="heading-m">{t('appointment.receipt.heading')}</h2>
      <p className="body">{t('appointment.receipt.text', { number: receipt.number, date, time })}</p>
      <p className="body">
        <a href={href} download className="button button--secondary">
          {t('appointment.receipt.download', { number: receipt.number })}
        </a>
      </p>
    </>
  );
}
