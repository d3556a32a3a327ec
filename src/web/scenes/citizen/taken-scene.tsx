/** Shown when the chosen time was booked by someone else: pick one of the fresh alternatives, then check again. */
import { Navigate, useNavigate, useParams } from 'react-router';
import { AlternativesChooser } from '../../components/alternatives-chooser.tsx';
import { useBooking } from './booking-state.ts';

/** The "that time was just taken" page of the booking journey. */
export function TakenScene() {
  const { procedureId = '' } = useParams();
  const navigate = useNavigate();
  const [booking, updateBooking] = useBooking();
  const base = `/book/${encodeURIComponent(procedureId)}`;
  if (booking.procedureId !== procedureId || !booking.alternatives) return <Navigate to={`${base}/check`} replace />;
  return (
    <AlternativesChooser
      alternatives={booking.alternatives}
      backTo={`${base}/check`}
      chooseDayTo={`${base}/date?return=check`}
      onChoose={(slot) => {
        updateBooking({ slot, date: slot.date, alternatives: null });
        void navigate(`${base}/check`);
      }}
    />
  );
}
