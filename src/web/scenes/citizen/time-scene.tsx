/** Booking step 4: choose a time on the chosen day. */
import { Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { TimeChooser } from '../../components/time-chooser.tsx';
import { useBooking } from './booking-state.ts';

/** The time page; without a chosen day it sends the citizen back to choose one. */
export function TimeScene() {
  const { procedureId = '' } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const [booking, updateBooking] = useBooking();
  const returning = search.get('return') === 'check';
  const base = `/book/${encodeURIComponent(procedureId)}`;
  const suffix = returning ? '?return=check' : '';

  if (booking.procedureId !== procedureId || !booking.date) return <Navigate to={`${base}/date`} replace />;
  const date = booking.date;
  return (
    <TimeChooser
      procedureId={procedureId}
      date={date}
      selected={booking.slot?.date === date ? booking.slot.startsAt : null}
      backTo={`${base}/date${suffix}`}
      chooseDayTo={`${base}/date${suffix}`}
      onChoose={(slot) => {
        updateBooking({ slot, alternatives: null });
        void navigate(returning ? `${base}/check` : `${base}/details`);
      }}
    />
  );
}
