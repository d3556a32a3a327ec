/** Booking step 3: choose a day. */
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { Loading } from '../../components/content.tsx';
import { DayChooser } from '../../components/day-chooser.tsx';
import { LoadProblem } from '../../components/problem.tsx';
import { useProcedure } from '../../hooks/use-procedure.ts';
import { useBooking } from './booking-state.ts';

/** The day page; `?return=check` comes back to the summary after the time. */
export function DateScene() {
  const { procedureId = '' } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const [booking, updateBooking] = useBooking();
  const [state, retry] = useProcedure(procedureId);
  const returning = search.get('return') === 'check';
  const base = `/book/${encodeURIComponent(procedureId)}`;

  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  if (state.status === 'loading') return <Loading />;
  return (
    <DayChooser
      procedureId={procedureId}
      maxAdvanceDays={state.data.maxAdvanceDays}
      caption={state.data.name}
      selected={booking.procedureId === procedureId ? booking.date : null}
      backTo={returning ? `${base}/check` : `${base}/prepare`}
      onChoose={(date) => {
        const sameDay = booking.date === date;
        updateBooking({ procedureId, date, slot: sameDay ? booking.slot : null });
        void navigate(`${base}/time${returning ? '?return=check' : ''}`);
      }}
    />
  );
}
