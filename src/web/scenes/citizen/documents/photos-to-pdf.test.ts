/** Photographed pages: downscaled sizes, A4 placement, file names, and one PDF with a page per photo. */
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { A4, fitWithin, jpegPagesToPdf, pageFor, photosFileName, placeOnPage } from './photos-to-pdf.ts';

// A valid 1×1 baseline JPEG (pdf-lib reads only its header).
const TINY_JPEG = new Uint8Array(
  Buffer.from(
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
    'base64',
  ),
);

describe('downscaling a photo', () => {
  it('brings the longest side to the limit, keeping proportions', () => {
    expect(fitWithin(4032, 3024, 2000)).toEqual({ width: 2000, height: 1500 });
    expect(fitWithin(3024, 4032, 2000)).toEqual({ width: 1500, height: 2000 });
  });

  it('never enlarges a small photo', () => {
    expect(fitWithin(800, 600, 2000)).toEqual({ width: 800, height: 600 });
  });
});

describe('placing a photo on a page', () => {
  it('uses portrait A4 for tall photos and landscape for wide ones', () => {
    expect(pageFor({ width: 1500, height: 2000 })).toEqual(A4);
    expect(pageFor({ width: 2000, height: 1500 })).toEqual({ width: A4.height, height: A4.width });
  });

  it('fits the photo inside the margins, centred, proportions kept', () => {
    const page = { width: 600, height: 800 };
    const placed = placeOnPage({ width: 1000, height: 1000 }, page, 50);
    expect(placed).toEqual({ x: 50, y: 150, width: 500, height: 500 });
    expect(placed.width / placed.height).toBe(1);
  });
});

describe('the PDF of the photos', () => {
  it('is named after the document in plain letters', () => {
    expect(photosFileName('Certificat d’empadronament')).toBe('certificat-d-empadronament.pdf');
    expect(photosFileName('DNI / NIE')).toBe('dni-nie.pdf');
    expect(photosFileName('***')).toBe('document.pdf');
  });

  it('has one page per photo, in order, with the document as its title', async () => {
    const bytes = await jpegPagesToPdf(
      [
        { jpeg: TINY_JPEG, width: 1500, height: 2000 },
        { jpeg: TINY_JPEG, width: 2000, height: 1500 },
      ],
      { title: 'DNI', createdAt: new Date('2026-01-01T10:00:00Z') },
    );
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(2);
    expect(pdf.getTitle()).toBe('DNI');
    const [first, second] = pdf.getPages();
    expect(first?.getSize().height).toBeCloseTo(A4.height);
    expect(second?.getSize().width).toBeCloseTo(A4.height);
  });
});
