/**
 * The phone's "take a photo" path: each photographed page is downscaled in
 * the browser (a 12-megapixel photo is 4 MB or more; 2000 px on the longest
 * side keeps a page legible at a fraction of it) and re-encoded as JPEG, and
 * the pages become one PDF, built here with pdf-lib so the office receives
 * one document per paper document. pdf-lib is loaded only when a PDF is made.
 */
import { DOCUMENT_LIMITS } from '../../../../shared/documents.ts';

/** Width and height in pixels (or points). */
export interface Size {
  width: number;
  height: number;
}

/** A rectangle placed on a page, in PDF points from the bottom-left corner. */
export interface Placement extends Size {
  x: number;
  y: number;
}

/** JPEG quality of photographed pages: text stays sharp, file size stays small. */
export const PHOTO_JPEG_QUALITY = 0.85;

/** ISO 216 A4 in PDF points (1/72 inch). */
export const A4: Size = { width: 595.28, height: 841.89 };

/** Page margin in points (about 1 cm), so nothing touches the edge when printed. */
const MARGIN = 28;

/** The size of an image scaled down so its longest side is at most `maxSide` (never scaled up). */
export function fitWithin(width: number, height: number, maxSide: number = DOCUMENT_LIMITS.photoMaxSide): Size {
  const longest = Math.max(width, height);
  if (longest <= maxSide || longest <= 0) return { width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)) };
  const scale = maxSide / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The A4 page for an image: portrait, or landscape for a wider-than-tall photo. */
export function pageFor(image: Size): Size {
  return image.width > image.height ? { width: A4.height, height: A4.width } : A4;
}

/** Where an image goes on `page`: as large as the margins allow, proportions kept, centred. */
export function placeOnPage(image: Size, page: Size, margin = MARGIN): Placement {
  const boxWidth = page.width - 2 * margin;
  const boxHeight = page.height - 2 * margin;
  const scale = Math.min(boxWidth / image.width, boxHeight / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  return { x: (page.width - width) / 2, y: (page.height - height) / 2, width, height };
}

/**
 * A file name for the PDF made from photos of `documentName`: plain ASCII
 * letters and digits joined by dashes ("Certificat d'empadronament" →
 * "certificat-d-empadronament.pdf"), so every system stores it as is.
 */
export function photosFileName(documentName: string): string {
  const base = documentName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${base || 'document'}.pdf`;
}

/** One photographed page, downscaled and re-encoded as JPEG. */
export interface PhotoPage extends Size {
  jpeg: Blob;
}

function canvasToJpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob gave no image'))), 'image/jpeg', quality);
  });
}

/**
 * Decodes a photo (turned upright by its EXIF orientation), draws it on a
 * canvas at most `maxSide` pixels on its longest side and encodes it as JPEG.
 * Throws when the browser cannot decode the image (e.g. HEIC outside Safari).
 */
export async function downscalePhoto(photo: Blob, maxSide: number = DOCUMENT_LIMITS.photoMaxSide, quality = PHOTO_JPEG_QUALITY): Promise<PhotoPage> {
  const bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
  try {
    const size = fitWithin(bitmap.width, bitmap.height, maxSide);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d canvas context');
    // JPEG has no transparency: a transparent PNG would otherwise turn black.
    context.fillStyle = '#fff';
    context.fillRect(0, 0, size.width, size.height);
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, size.width, size.height);
    const jpeg = await canvasToJpeg(canvas, quality);
    // Phones cap the total canvas memory: give it back at once.
    canvas.width = 0;
    canvas.height = 0;
    return { jpeg, ...size };
  } finally {
    bitmap.close();
  }
}

/** Document properties written into the PDF. */
export interface PdfInfo {
  title: string;
  /** When the photos were taken together; defaults to now. */
  createdAt?: Date;
}

/**
 * One PDF with a page per JPEG, in order: A4 in the photo's orientation,
 * the photo fitted inside the margins. Returns the PDF's bytes.
 */
export async function jpegPagesToPdf(pages: readonly { jpeg: Uint8Array; width: number; height: number }[], info: PdfInfo): Promise<Uint8Array> {
  const { PDFDocument } = await import('pdf-lib');
  const pdf = await PDFDocument.create();
  const createdAt = info.createdAt ?? new Date();
  pdf.setTitle(info.title);
  pdf.setCreator('Finestreta');
  pdf.setProducer('Finestreta (pdf-lib)');
  pdf.setCreationDate(createdAt);
  pdf.setModificationDate(createdAt);
  for (const page of pages) {
    // pdf-lib reads `bytes.buffer` from offset 0: a view into a larger buffer (a Node Buffer) must be copied.
    const image = await pdf.embedJpg(page.jpeg.byteOffset === 0 ? page.jpeg : page.jpeg.slice());
    const size = pageFor(page);
    const pdfPage = pdf.addPage([size.width, size.height]);
    pdfPage.drawImage(image, placeOnPage(page, size));
  }
  return pdf.save();
}

/** Builds the PDF of photographed pages as a `File` ready to upload. */
export async function photosToPdf(pages: readonly PhotoPage[], documentName: string): Promise<File> {
  const withBytes = await Promise.all(
    pages.map(async (page) => ({ jpeg: new Uint8Array(await page.jpeg.arrayBuffer()), width: page.width, height: page.height })),
  );
  const bytes = await jpegPagesToPdf(withBytes, { title: documentName });
  return new File([bytes.slice().buffer], photosFileName(documentName), { type: 'application/pdf', lastModified: Date.now() });
}
