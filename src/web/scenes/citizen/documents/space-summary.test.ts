/** Counting the mandatory documents in and the ones that need the citizen. */
import { describe, expect, it } from 'vitest';
import type { DocumentSlotView, DocumentSpaceView } from '../../../../shared/documents.ts';
import { isScanning, isSlotFull, summariseSpace } from './space-summary.ts';

function slot(overrides: Partial<DocumentSlotView>): DocumentSlotView {
  return {
    slot: 'req',
    name: 'DNI',
    description: '',
    mandatory: true,
    acceptedTypes: ['application/pdf'],
    acceptedExtensions: ['pdf'],
    maxBytes: 10 * 1024 * 1024,
    open: true,
    status: 'missing',
    documents: [],
    ...overrides,
  };
}

const doc = (status: DocumentSlotView['documents'][number]['status']) => ({
  id: `d-${status}`,
  fileName: 'a.pdf',
  mediaType: 'application/pdf',
  size: 10,
  status,
  rejectionReason: null,
  uploadedAt: '2026-01-01T10:00:00Z',
});

describe('document space summary', () => {
  const view: DocumentSpaceView = {
    deadline: '2026-01-01T10:00:00Z',
    reopenedUntil: null,
    slots: [
      slot({ slot: 'a', status: 'uploaded', documents: [doc('uploaded')] }),
      slot({ slot: 'b', status: 'rejected', documents: [doc('rejected')] }),
      slot({ slot: 'c', status: 'missing' }),
      slot({ slot: 'd', mandatory: false, status: 'accepted', documents: [doc('accepted')] }),
      slot({ slot: 'other', mandatory: false, status: 'scanning', documents: [doc('scanning')] }),
    ],
  };

  it('counts mandatory documents in, and those needing attention', () => {
    expect(summariseSpace(view)).toEqual({ mandatoryTotal: 3, mandatoryProvided: 1, needingAttention: 1, anyOpen: true });
  });

  it('knows when a scan is still running', () => {
    expect(isScanning(view)).toBe(true);
    expect(isScanning({ ...view, slots: view.slots.slice(0, 2) })).toBe(false);
  });

  it('fills the other-documents slot at the maximum only', () => {
    expect(isSlotFull(slot({ slot: 'other', documents: [doc('uploaded'), doc('scanning')] }), 2)).toBe(true);
    expect(isSlotFull(slot({ slot: 'a', documents: [doc('uploaded'), doc('scanning')] }), 2)).toBe(false);
  });
});
