import type { Procedure, RequiredDocument } from '../db/schema.ts';
import { pickLocalised, type LocalisedText } from '../../shared/localised.ts';
import type { ProcedureView } from './catalogue.schema.ts';

/** Parses a JSON column that holds a `LocalisedText`. */
export function localised(json: string): LocalisedText {
  return JSON.parse(json) as LocalisedText;
}

/** The channels a procedure offers. */
export function procedureChannels(p: Procedure): ('video' | 'in_person')[] {
  return (JSON.parse(p.channels) as string[]).filter(
    (c): c is 'video' | 'in_person' => c === 'video' || c === 'in_person',
  );
}

/** A required document in one language. */
export function presentRequiredDocument(d: RequiredDocument, lang: string): ProcedureView['requiredDocuments'][number] {
  return {
    id: d.id,
    name: pickLocalised(localised(d.name), lang),
    description: pickLocalised(localised(d.description), lang),
    mandatory: d.mandatory === 1,
    acceptedTypes: JSON.parse(d.accepted_types) as string[],
    maxSizeMb: d.max_size_mb,
  };
}

/** A procedure for the public pages, in one language. */
export function presentProcedure(p: Procedure, docs: RequiredDocument[], lang: string): ProcedureView {
  return {
    id: p.id,
    code: p.code,
    name: pickLocalised(localised(p.name), lang),
    description: pickLocalised(localised(p.description), lang),
    durationMinutes: p.duration_minutes,
    channels: procedureChannels(p),
    minNoticeHours: p.min_notice_hours,
    maxAdvanceDays: p.max_advance_days,
    requiredDocuments: docs.filter((d) => d.procedure_id === p.id).map((d) => presentRequiredDocument(d, lang)),
  };
}
