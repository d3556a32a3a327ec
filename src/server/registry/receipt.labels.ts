import type { Language } from '../../shared/limits.ts';

/** Every text of the receipt PDF, per shipped language (a missing one fails to compile). */
export interface ReceiptLabels {
  title: string;
  entryNumber: string;
  registeredAt: string;
  organ: string;
  procedure: string;
  interested: string;
  summary: string;
  formData: string;
  documents: string;
  noDocuments: string;
  csv: string;
  verifyAt: string;
  qrCaption: string;
  sealedBy: string;
  legal: string;
  testSeal: string;
  page: string;
}

/** The receipt in Catalan, Spanish and English. */
export const RECEIPT_LABELS: Record<Language, ReceiptLabels> = {
  ca: {
    title: "Justificant de registre d'entrada",
    entryNumber: "Número d'assentament",
    registeredAt: 'Data i hora de registre',
    organ: 'Òrgan',
    procedure: 'Tràmit',
    interested: 'Persona interessada',
    summary: 'Resum',
    formData: 'Dades de la sol·licitud',
    documents: 'Documents aportats (empremta SHA-256)',
    noDocuments: "No s'ha aportat cap document.",
    csv: 'Codi segur de verificació (CSV)',
    verifyAt: "Podeu comprovar l'autenticitat d'aquest document a",
    qrCaption: 'Escanegeu per verificar',
    sealedBy: "Document segellat electrònicament amb el segell de l'òrgan:",
    legal: "Segell electrònic d'òrgan i codi segur de verificació (Llei 40/2015, articles 40 a 42).",
    testSeal: 'SEGELL DE PROVA: aquest document no té validesa legal.',
    page: 'Pàgina',
  },
  es: {
    title: 'Justificante de registro de entrada',
    entryNumber: 'Número de asiento',
    registeredAt: 'Fecha y hora de registro',
    organ: 'Órgano',
    procedure: 'Trámite',
    interested: 'Persona interesada',
    summary: 'Resumen',
    formData: 'Datos de la solicitud',
    documents: 'Documentos aportados (huella SHA-256)',
    noDocuments: 'No se ha aportado ningún documento.',
    csv: 'Código seguro de verificación (CSV)',
    verifyAt: 'Puede comprobar la autenticidad de este documento en',
    qrCaption: 'Escanee para verificar',
    sealedBy: 'Documento sellado electrónicamente con el sello del órgano:',
    legal: 'Sello electrónico de órgano y código seguro de verificación (Ley 40/2015, artículos 40 a 42).',
    testSeal: 'SELLO DE PRUEBA: este documento no tiene validez legal.',
    page: 'Página',
  },
  en: {
    title: 'Registry entry receipt',
    entryNumber: 'Entry number',
    registeredAt: 'Date and time of registration',
    organ: 'Body',
    procedure: 'Procedure',
    interested: 'Interested party',
    summary: 'Summary',
    formData: 'Application data',
    documents: 'Documents provided (SHA-256 fingerprint)',
    noDocuments: 'No documents were provided.',
    csv: 'Secure verification code (CSV)',
    verifyAt: 'You can check that this document is authentic at',
    qrCaption: 'Scan to verify',
    sealedBy: 'Document sealed electronically with the seal of the body:',
    legal: 'Electronic seal of the body and secure verification code (Spanish Law 40/2015, articles 40 to 42).',
    testSeal: 'TEST SEAL: this document has no legal value.',
    page: 'Page',
  },
};

/** Printed on every page signed by the development seal, whatever the language, where a person looks first. */
export const TEST_SEAL_BANNER = 'TEST SEAL — not valid';
