/**
 * One message, two bodies: an email is described once as a list of blocks
 * and rendered both as plain text and as HTML, so the two parts cannot say
 * different things. The HTML is table-free with inline styles only (mail
 * clients drop <style> and external sheets) and loads nothing external.
 */

/** A labelled value in the key facts of a message ("Date: Monday…"). */
export interface MailFact {
  label: string;
  value: string;
}

/** An item in a list of documents: its name, a short qualifier and an explanation. */
export interface MailListItem {
  title: string;
  qualifier?: string;
  detail?: string;
}

/** A piece of a message. Every string is plain text; the renderers escape it. */
export type MailBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'facts'; items: MailFact[] }
  /** Plain bullet points. */
  | { kind: 'bullets'; items: string[] }
  /** Named items (documents) with a qualifier and an explanation. */
  | { kind: 'list'; items: MailListItem[] }
  /** A URL shown in full under its label, so the reader sees where it leads before following it. */
  | { kind: 'link'; label: string; url: string }
  /** Links to actions, one a line. */
  | { kind: 'actions'; items: { label: string; url: string }[] }
  /** A secret on its own, away from any link, in a monospace box. */
  | { kind: 'secret'; label: string; value: string; note: string };

/** A whole message before rendering. */
export interface MailDocument {
  /** BCP 47 tag of the text, for `<html lang>`. */
  language: string;
  /** The `<title>` of the HTML part (the subject). */
  title: string;
  /** The sender shown above the heading, e.g. the organisation's name. */
  brand: string;
  heading: string;
  blocks: MailBlock[];
  /** Small print under a rule: sender, "do not reply". */
  footer: string[];
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---------------------------------------------------------------- plain text

function textBlock(block: MailBlock): string {
  switch (block.kind) {
    case 'heading':
      return `${block.text}\n${'-'.repeat([...block.text].length)}`;
    case 'paragraph':
      return block.text;
    case 'facts':
      return block.items.map((f) => `${f.label}: ${f.value}`).join('\n');
    case 'bullets':
      return block.items.map((i) => `- ${i}`).join('\n');
    case 'list':
      return block.items
        .map((i) => {
          const head = `- ${i.title}${i.qualifier ? ` (${i.qualifier})` : ''}`;
          return i.detail ? `${head}\n  ${i.detail.replace(/\n/g, '\n  ')}` : head;
        })
        .join('\n');
    case 'link':
      // The URL alone on its line: clients only auto-link it reliably there.
      return `${block.label}:\n${block.url}`;
    case 'actions':
      return block.items.map((a) => `${a.label}:\n${a.url}`).join('\n\n');
    case 'secret':
      return `${block.label}:\n\n    ${block.value}\n\n${block.note}`;
  }
}

/** Renders the plain-text part. Paragraphs are separated by a blank line; the footer follows a "-- " signature separator (RFC 3676 §4.3). */
export function renderMailText(doc: MailDocument): string {
  const title = `${doc.heading}\n${'='.repeat([...doc.heading].length)}`;
  const body = [doc.brand, title, ...doc.blocks.map(textBlock)].join('\n\n');
  return `${body}\n\n-- \n${doc.footer.join('\n')}\n`;
}

// ---------------------------------------------------------------------- HTML

const INK = '#1f2937';
const MUTED = '#4b5563';
const LINK = '#0b57d0';
const P = `margin:0 0 16px;`;
const LINK_STYLE = `color:${LINK};text-decoration:underline;word-break:break-all;`;

function htmlBlock(block: MailBlock): string {
  switch (block.kind) {
    case 'heading':
      return `<h2 style="margin:32px 0 12px;font-size:19px;line-height:1.3;">${escapeHtml(block.text)}</h2>`;
    case 'paragraph':
      return `<p style="${P}">${escapeHtml(block.text)}</p>`;
    case 'facts':
      return (
        `<div style="margin:0 0 16px;padding:12px 16px;border-left:4px solid ${INK};background:#f3f4f6;">` +
        block.items
          .map((f) => `<p style="margin:0 0 4px;"><strong>${escapeHtml(f.label)}:</strong> ${escapeHtml(f.value)}</p>`)
          .join('') +
        `</div>`
      );
    case 'bullets':
      return (
        `<ul style="margin:0 0 16px;padding-left:24px;">` +
        block.items.map((i) => `<li style="margin:0 0 8px;">${escapeHtml(i)}</li>`).join('') +
        `</ul>`
      );
    case 'list':
      return (
        `<ul style="margin:0 0 16px;padding-left:24px;">` +
        block.items
          .map(
            (i) =>
              `<li style="margin:0 0 8px;"><strong>${escapeHtml(i.title)}</strong>` +
              (i.qualifier ? ` (${escapeHtml(i.qualifier)})` : '') +
              (i.detail ? `<br><span style="color:${MUTED};">${escapeHtml(i.detail)}</span>` : '') +
              `</li>`,
          )
          .join('') +
        `</ul>`
      );
    case 'link':
      return (
        `<p style="margin:0 0 4px;"><strong>${escapeHtml(block.label)}:</strong></p>` +
        `<p style="${P}"><a href="${escapeHtml(block.url)}" style="${LINK_STYLE}">${escapeHtml(block.url)}</a></p>`
      );
    case 'actions':
      return block.items
        .map((a) => `<p style="${P}"><a href="${escapeHtml(a.url)}" style="${LINK_STYLE}">${escapeHtml(a.label)}</a></p>`)
        .join('');
    case 'secret':
      return (
        `<div data-block="secret" style="margin:0 0 16px;padding:12px 16px;border:2px solid ${INK};border-radius:6px;">` +
        `<p style="margin:0 0 8px;"><strong>${escapeHtml(block.label)}</strong></p>` +
        `<p style="margin:0 0 8px;font-family:'Courier New',Courier,monospace;font-size:22px;letter-spacing:2px;">` +
        `<code style="font-family:inherit;">${escapeHtml(block.value)}</code></p>` +
        `<p style="margin:0;font-size:14px;">${escapeHtml(block.note)}</p>` +
        `</div>`
      );
  }
}

/** Renders the HTML part: a complete document with `lang`, no scripts, no external resources. */
export function renderMailHtml(doc: MailDocument): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(doc.language)}" dir="ltr">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(doc.title)}</title>`,
    '</head>',
    `<body style="margin:0;padding:0;background:#ffffff;">`,
    `<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:${INK};">`,
    `<p style="margin:0 0 8px;font-size:14px;color:${MUTED};">${escapeHtml(doc.brand)}</p>`,
    `<h1 style="margin:0 0 24px;font-size:24px;line-height:1.25;">${escapeHtml(doc.heading)}</h1>`,
    ...doc.blocks.map(htmlBlock),
    `<hr style="margin:32px 0 16px;border:0;border-top:1px solid #d1d5db;">`,
    ...doc.footer.map((line) => `<p style="margin:0 0 4px;font-size:14px;color:${MUTED};">${escapeHtml(line)}</p>`),
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
