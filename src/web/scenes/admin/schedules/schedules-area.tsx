/**
 * Offices and schedules (`/staff/admin/schedules/*`, issue 9): the agents
 * and their weekly hours (the section's first page), offices, holidays and
 * closures, and the capacity calendar. The section owns the addresses
 * below its own.
 */
import { Navigate, Route, Routes } from 'react-router';
import { AgentHoursScene } from './agent-hours-scene.tsx';
import { AgentsScene } from './agents-scene.tsx';
import { CalendarScene } from './calendar-scene.tsx';
import { ClosuresScene } from './closures-scene.tsx';
import { OfficesScene } from './offices-scene.tsx';

/** The section's pages. */
export function SchedulesArea() {
  return (
    <Routes>
      <Route index element={<AgentsScene />} />
      <Route path="agents" element={<Navigate to=".." relative="path" replace />} />
      <Route path="agents/:staffId" element={<AgentHoursScene />} />
      <Route path="offices" element={<OfficesScene />} />
      <Route path="closures" element={<ClosuresScene />} />
      <Route path="calendar" element={<CalendarScene />} />
      <Route path="*" element={<Navigate to="." replace />} />
    </Routes>
  );
}
