import type { RegistryAnnex } from './registry.tables.ts';

/**
 * An external registry (the municipality's own registry, or GEISER/ORVE
 * through SIR) that an entry can be sent to instead of, or besides, the
 * built-in book. Not implemented yet: this is the contract a connector will
 * fulfil. Field names follow SICRES 4 (Norma Técnica de Interoperabilidad de
 * Modelo de Datos para el intercambio de asientos entre las Entidades
 * Registrales, resolución de 19 de julio de 2011, revised as SICRES 4):
 *
 * - `DeOrigenORemitente` / `DeDestino`: origin and destination units by DIR3
 *   code (`CodigoEntidadRegistralOrigen`, `CodigoUnidadTramitacionDestino`).
 * - `DeInteresado`: person type (physical / legal), identity document type
 *   (`N` NIF, `C` CIF, `P` passport, `E` NIE, `X` other physical, `O` other
 *   legal), number, names, contact and notification preferences.
 * - `DeAsiento`: entry mode and type (entrada / salida), number and date of
 *   registration (`NumeroRegistroEntrada`, `FechaHoraEntrada`), time of
 *   presentation, `Resumen`, `CodigoAsunto`, SIA code, file number.
 * - `DeAnexo`: annexes with name, MIME type, type (`TipoDocumento`: 01 form,
 *   02 attached document, 03 technical file), validity, and hash
 *   (`Hash`, with its algorithm).
 */
export interface ExternalRegistry {
  /** Registers an entry; answers the external number and registration time, which become the entry's. */
  register(entry: ExternalRegistryEntry): Promise<ExternalRegistration>;
}

/** SICRES 4 `DeInteresado` (the one interested party of a video-call procedure). */
export interface SicresInterested {
  personType: 'physical' | 'legal';
  /** SICRES identity document type. */
  idType: 'N' | 'C' | 'P' | 'E' | 'X' | 'O';
  idNumber: string;
  name: string;
  surnames: string | null;
  email: string | null;
  phone: string | null;
  /** Preferred notification channel: electronic or on paper. */
  notificationChannel: 'electronic' | 'postal';
}

/** SICRES 4 `DeAnexo` with its hash. */
export interface SicresAnnex extends RegistryAnnex {
  mediaType: string;
  /** 01 form, 02 attached document, 03 technical file. */
  documentType: '01' | '02' | '03';
  hashAlgorithm: 'SHA-256';
}

/** What is sent: SICRES 4 `DeOrigenORemitente`, `DeDestino`, `DeInteresado`, `DeAsiento`, `DeAnexo`. */
export interface ExternalRegistryEntry {
  /** DIR3 of the registry office where the entry is made (the organ). */
  originDir3: string;
  /** DIR3 of the unit that will process it. */
  destinationDir3: string;
  interested: SicresInterested;
  /** Entry (inbound) or exit (outbound). */
  kind: 'inbound' | 'outbound';
  summary: string;
  /** When the citizen presented it (server time, UTC ISO). */
  presentedAt: string;
  /** SIA code of the procedure, when the catalogue has one. */
  siaCode: string | null;
  fileNumber: string | null;
  annexes: SicresAnnex[];
}

/** The external registry's answer. */
export interface ExternalRegistration {
  number: string;
  registeredAt: string;
}
