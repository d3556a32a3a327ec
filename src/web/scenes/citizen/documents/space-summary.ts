/** Counting what the citizen has done and what still needs them, from the document space's view. */
import { OTHER_SLOT, type DocumentSlotView, type DocumentSpaceView } from '../../../../shared/documents.ts';

/** A slot's status, as the view gives it. */
export type SlotStatus = DocumentSlotView['status'];

/** True when the slot holds a document the office can work with (uploaded, being checked, or accepted). */
export function isProvided(status: SlotStatus): boolean {
  return status === 'scanning' || status === 'uploaded' || status === 'not_scanned' || status === 'accepted';
}

/** True when the citizen has to act: the office rejected the document or the scanner blocked it. */
export function needsAttention(status: SlotStatus): boolean {
  return status === 'rejected' || status === 'quarantined';
}

/** How far the citizen is with the mandatory documents. */
export interface SpaceSummary {
  mandatoryTotal: number;
  mandatoryProvided: number;
  /** Documents (any slot) that were rejected or blocked. */
  needingAttention: number;
  /** Whether the citizen can upload to any slot now. */
  anyOpen: boolean;
}

/** Sums up a document space. */
export function summariseSpace(view: DocumentSpaceView): SpaceSummary {
  const mandatory = view.slots.filter((s) => s.mandatory && s.slot !== OTHER_SLOT);
  return {
    mandatoryTotal: mandatory.length,
    mandatoryProvided: mandatory.filter((s) => isProvided(s.status)).length,
    needingAttention: view.slots.filter((s) => needsAttention(s.status)).length,
    anyOpen: view.slots.some((s) => s.open),
  };
}

/** True while a document is still being scanned, so the page keeps asking the server. */
export function isScanning(view: DocumentSpaceView): boolean {
  return view.slots.some((s) => s.documents.some((d) => d.status === 'scanning'));
}

/** The "other documents" slot is full when it holds the maximum. */
export function isSlotFull(slot: DocumentSlotView, otherMax: number): boolean {
  return slot.slot === OTHER_SLOT && slot.documents.length >= otherMax;
}
