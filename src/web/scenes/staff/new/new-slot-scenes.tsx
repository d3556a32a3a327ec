/**
 * "New appointment", steps 2 and 3: the day and the time, with the citizen
 * side's choosers and the public availability. Also the page offering other
 * times when the chosen one was taken before the booking was sent.
 */
import { Navigate, useNavigate } from 'react-router';
import { AlternativesChooser } from '../../../components/alternatives-chooser.tsx';
import { Loading } from '../../../components/content.tsx';
import { DayChooser } from '../../../components/day-chooser.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { TimeChooser } from '../../../components/time-chooser.tsx';
import { useProcedure } from '../../../hooks/use-procedure.ts';
import { NEW_BASE, useStaffBooking } from './new-booking-state.ts';

/** Choose a day. */
export function NewDateScene() {
  const navigate = useNavigate();
  const [booking, updateBooking] = useStaffBooking();
  const procedureId = booking.procedureId ?? '';
  const [state, retry] = useProcedure(procedureId);
  if (!booking.procedureId || !booking.channel) return <Navigate to={NEW_BASE} replace />;
  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  if (state.status === 'loading') return <Loading />;
  return (
    <DayChooser
      procedureId={procedureId}
      maxAdvanceDays={state.data.maxAdvanceDays}
      caption={state.data.name}
      selected={booking.date}
      backTo={NEW_BASE}
      onChoose={(date) => {
        updateBooking({ date, slot: booking.date === date ? booking.slot : null });
        void navigate(`${NEW_BASE}/time`);
      }}
    />
  );
}

/** Choose a time on the chosen day. */
export function NewTimeScene() {
  const navigate = useNavigate();
  const [booking, updateBooking] = useStaffBooking();
  if (!booking.procedureId || !booking.channel) return <Navigate to={NEW_BASE} replace />;
  if (!booking.date) return <Navigate to={`${NEW_BASE}/date`} replace />;
  const date = booking.date;
  return (
    <TimeChooser
      procedureId={booking.procedureId}
      date={date}
      selected={booking.slot?.date === date ? booking.slot.startsAt : null}
      backTo={`${NEW_BASE}/date`}
      chooseDayTo={`${NEW_BASE}/date`}
      onChoose={(slot) => {
        updateBooking({ slot, alternatives: null });
        void navigate(booking.details ? `${NEW_BASE}/check` : `${NEW_BASE}/details`);
      }}
    />
  );
}

/** The chosen time was taken meanwhile: pick one of the free times offered instead. */
export function NewTakenScene() {
  const navigate = useNavigate();
  const [booking, updateBooking] = useStaffBooking();
  if (!booking.procedureId || !booking.alternatives) return <Navigate to={`${NEW_BASE}/date`} replace />;
  return (
    <AlternativesChooser
      alternatives={booking.alternatives}
      backTo={`${NEW_BASE}/check`}
      chooseDayTo={`${NEW_BASE}/date`}
      onChoose={(slot) => {
        updateBooking({ date: slot.date, slot, alternatives: null });
        void navigate(`${NEW_BASE}/check`);
      }}
    />
  );
}
