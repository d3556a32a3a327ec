/** The way into the video call from the appointment page: when the room opens, and the button to the device check. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CitizenAppointmentView } from '../../../api/types.ts';
import { useWhen } from '../appointment-view.tsx';

/** "Join the video call" and when the waiting room opens; `base` is `/a/<token>`. */
export function JoinCallLink({ appointment, base }: { appointment: CitizenAppointmentView; base: string }) {
  const { t } = useTranslation();
  const when = useWhen();
  const { date, time } = when(appointment.startsAt, appointment.timeZone);
  const opens = when(appointment.waitingRoomOpensAt, appointment.timeZone).time;
  return (
    <>
      <p className="body">{t('call.join.text', { date, time, opens })}</p>
      <Link to={`${base}/join`} className="button">
        {t('call.join.button')}
      </Link>
    </>
  );
}
