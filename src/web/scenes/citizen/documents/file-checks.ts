/**
 * Checks a chosen file against its slot before any byte is sent, so the most
 * common mistakes (a Word file, a 40 MB scan) are told at once. The server
 * checks again, and also the bytes themselves (a PNG renamed .pdf).
 */
import { DOCUMENT_LIMITS, EXTENSIONS_BY_TYPE, type DocumentSlotView } from '../../../../shared/documents.ts';

/** What is wrong with a chosen file, if anything. */
export type FileProblem = 'empty' | 'too_large' | 'wrong_type' | 'name_too_long';

/** The file's properties the checks need (a `File` has them all). */
export interface ChosenFile {
  name: string;
  size: number;
  type: string;
}

/** The lower-cased extension after the last dot, or '' when there is none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 || dot === name.length - 1 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The type a file name's extension stands for (browsers leave `File.type` empty for some, e.g. HEIC). */
export function typeForName(name: string): string | null {
  const extension = extensionOf(name);
  for (const [type, extensions] of Object.entries(EXTENSIONS_BY_TYPE)) if (extensions.includes(extension)) return type;
  return null;
}

/** The type to declare in the upload's metadata: the browser's, else the one its name implies. */
export function declaredType(file: ChosenFile): string {
  return file.type || typeForName(file.name) || 'application/octet-stream';
}

/** The first problem with `file` for `slot`, or null when it may be sent. */
export function checkFile(file: ChosenFile, slot: Pick<DocumentSlotView, 'acceptedTypes' | 'acceptedExtensions' | 'maxBytes'>): FileProblem | null {
  if (!slot.acceptedExtensions.includes(extensionOf(file.name))) return 'wrong_type';
  // A declared type we know of must be one the slot takes; an unknown or empty one is left to the server's sniffing.
  if (file.type && file.type in EXTENSIONS_BY_TYPE && !slot.acceptedTypes.includes(file.type)) return 'wrong_type';
  if (file.size === 0) return 'empty';
  if (file.size > slot.maxBytes) return 'too_large';
  if (file.name.length > DOCUMENT_LIMITS.fileNameMax) return 'name_too_long';
  return null;
}

/** The file picker's `accept`: the slot's types and their extensions (some pickers honour only one of them). */
export function acceptAttribute(slot: Pick<DocumentSlotView, 'acceptedTypes' | 'acceptedExtensions'>): string {
  return [...slot.acceptedTypes, ...slot.acceptedExtensions.map((e) => `.${e}`)].join(',');
}
