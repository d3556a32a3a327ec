import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import { minimisedAt } from './retention-notice.ts';
import { fullName } from './staff-labels.tsx';

describe('the notice that retention deleted the personal data', () => {
  const counts = (personalData: number) => ({ reason: 'retention', purged: { documents: 1, recordings: 1, snapshots: 0, packages: 0, personalData } });

  it('dates it by the purge that minimised the appointment, not by one that only shredded files', () => {
    expect(
      minimisedAt([
        { type: 'appointment.booked', at: '2026-01-02T09:00:00.000Z', data: {} },
        { type: 'retention.purged', at: '2026-02-01T03:00:00.000Z', data: counts(0) },
        { type: 'retention.purged', at: '2026-04-01T03:00:00.000Z', data: counts(1) },
      ]),
    ).toBe('2026-04-01T03:00:00.000Z');
  });

  it('says nothing while the personal data are there', () => {
    expect(minimisedAt([{ type: 'retention.purged', at: '2026-02-01T03:00:00.000Z', data: counts(0) }])).toBeNull();
    expect(minimisedAt([{ type: 'retention.purged', at: '2026-02-01T03:00:00.000Z', data: {} }])).toBeNull();
    expect(minimisedAt([])).toBeNull();
  });
});

describe('the name of a citizen whose personal data were deleted', () => {
  const t = ((key: string, vars?: Record<string, string>) => (key === 'staff.fullName' ? `${vars?.name ?? ''} ${vars?.surnames ?? ''}` : key)) as unknown as TFunction;

  it('reads "personal data deleted" instead of nothing, so lists and links still say something', () => {
    expect(fullName({ name: '', surnames: '' }, t)).toBe('staff.fullNameDeleted');
    expect(fullName({ name: 'Núria', surnames: 'Casals Pi' }, t)).toBe('Núria Casals Pi');
  });
});
