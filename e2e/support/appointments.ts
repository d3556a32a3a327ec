/**
 * The one piece of state the e2e specs cannot seed through the API: the
 * appointment's time. Booking only takes times with notice, and the server's
 * clock is the system's, so a spec that needs the waiting room open now moves
 * its appointment in the e2e server's SQLite database.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from '@playwright/test';

/** Moves an appointment to start in 5 minutes (on the minute), so its waiting room is open now. */
export function startSoon(reference: string): void {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error('E2E_DATA_DIR is not set (see playwright.config.ts)');
  const db = new Database(path.join(dir, 'finestreta.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    const start = new Date(Date.now() + 5 * 60_000);
    start.setUTCSeconds(0, 0);
    const end = new Date(start.getTime() + 30 * 60_000);
    const changed = db.prepare('UPDATE appointments SET starts_at = ?, ends_at = ? WHERE reference = ?').run(start.toISOString(), end.toISOString(), reference);
    expect(changed.changes).toBe(1);
    // The moved appointment no longer holds its original time, so the next spec can book it: the
    // agent's occupancy (primary key that prevents double booking) goes with the old time.
    db.prepare('DELETE FROM agent_busy WHERE appointment_id = (SELECT id FROM appointments WHERE reference = ?)').run(reference);
    db.prepare('UPDATE appointments SET busy_start_unit = 0, busy_end_unit = 0 WHERE reference = ?').run(reference);
  } finally {
    db.close();
  }
}
