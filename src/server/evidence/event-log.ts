import { createHash } from 'node:crypto';

/** JSON values that canonicalise unambiguously. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by
 * UTF-16 code units, no whitespace, ECMAScript number and string
 * serialisation. The same value always gives the same bytes, so a hash of
 * it can be recomputed by anyone.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('canonical JSON has no NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys
    .filter((k) => value[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`)
    .join(',')}}`;
}

/** One evidence event: who did what, when (server time), chained to the one before. */
export interface EvidenceEvent {
  /** 1, 2, 3… without gaps. */
  seq: number;
  /** Server time, ISO 8601 UTC with milliseconds. */
  at: string;
  /** What happened, e.g. `recording.started`, `identification.snapshot`. */
  type: string;
  /** Who: `agent:<id>`, `citizen`, `system`. */
  actor: string;
  /** Details, including the SHA-256 of any artefact the event is about. */
  data: { [key: string]: JsonValue };
  /** SHA-256 (hex) of the canonical JSON of the previous event; GENESIS for the first. */
  prev: string;
}

/** The `prev` of the first event. */
export const GENESIS = '0'.repeat(64);

/** SHA-256 (hex) of an event's canonical JSON: what the next event's `prev` must be. */
export function eventHash(event: EvidenceEvent): string {
  return createHash('sha256').update(canonicalJson(event as unknown as JsonValue), 'utf8').digest('hex');
}

/**
 * Appends events to a hash chain. Start a new log with no argument, or go on
 * from a stored one with its last event. The caller stores each event (e.g.
 * one row per event) before acting on the next.
 */
export class EventChain {
  private lastHash: string;
  private lastSeq: number;
  private lastAt: string;

  constructor(last?: EvidenceEvent) {
    this.lastHash = last ? eventHash(last) : GENESIS;
    this.lastSeq = last?.seq ?? 0;
    this.lastAt = last?.at ?? '';
  }

  /** The next event, stamped with `now` (server time; never earlier than the previous event). */
  append(input: { type: string; actor: string; data?: { [key: string]: JsonValue } }, now: Date = new Date()): EvidenceEvent {
    let at = now.toISOString();
    if (at < this.lastAt) at = this.lastAt; // a clock step back must not reorder the log
    const event: EvidenceEvent = { seq: this.lastSeq + 1, at, type: input.type, actor: input.actor, data: input.data ?? {}, prev: this.lastHash };
    canonicalJson(event as unknown as JsonValue); // refuses non-JSON data before it is chained
    this.lastHash = eventHash(event);
    this.lastSeq = event.seq;
    this.lastAt = at;
    return event;
  }
}

/** The `events.json` document of an evidence package. */
export interface EventLogDocument {
  version: 1;
  /** Opaque appointment id. */
  appointment: string;
  events: EvidenceEvent[];
}

/** Serialises the log for the package: one event per line, readable and diffable. */
export function eventLogJson(doc: EventLogDocument): Buffer {
  const lines = doc.events.map((e) => `    ${canonicalJson(e as unknown as JsonValue)}`);
  return Buffer.from(`{\n  "version": 1,\n  "appointment": ${JSON.stringify(doc.appointment)},\n  "events": [\n${lines.join(',\n')}\n  ]\n}\n`, 'utf8');
}

/** The verdict on a chain: where it first breaks, if it does. */
export type ChainVerdict = { ok: true; count: number; lastHash: string } | { ok: false; index: number; seq: number | null; reason: string };

/**
 * Walks the chain and names the first event that does not follow from the
 * one before: wrong `prev` (altered, removed, inserted or reordered events),
 * a gap in `seq`, a time earlier than its predecessor, or a malformed event.
 */
export function verifyEventChain(events: readonly unknown[]): ChainVerdict {
  let prev = GENESIS;
  let lastAt = '';
  for (const [index, raw] of events.entries()) {
    const seq = typeof raw === 'object' && raw !== null && typeof (raw as { seq?: unknown }).seq === 'number' ? (raw as { seq: number }).seq : null;
    const fail = (reason: string): ChainVerdict => ({ ok: false, index, seq, reason });
    if (!isEvent(raw)) return fail('malformed event');
    if (raw.prev !== prev) return fail('does not chain to the event before it (altered, removed, inserted or reordered)');
    if (raw.seq !== index + 1) return fail(`sequence number ${raw.seq} where ${index + 1} was expected`);
    if (Number.isNaN(Date.parse(raw.at)) || raw.at < lastAt) return fail('its time is invalid or earlier than the event before it');
    prev = eventHash(raw);
    lastAt = raw.at;
  }
  return { ok: true, count: events.length, lastHash: prev };
}

function isEvent(value: unknown): value is EvidenceEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  const keys = Object.keys(e).sort().join(',');
  return (
    keys === 'actor,at,data,prev,seq,type' &&
    Number.isInteger(e.seq) &&
    typeof e.at === 'string' &&
    typeof e.type === 'string' &&
    typeof e.actor === 'string' &&
    typeof e.prev === 'string' &&
    typeof e.data === 'object' &&
    e.data !== null &&
    !Array.isArray(e.data)
  );
}
