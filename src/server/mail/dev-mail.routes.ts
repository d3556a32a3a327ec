import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AddressObject, ParsedMail } from 'mailparser';
import { z } from 'zod';
import { OUTBOX_FILE_PATTERN } from '../adapters/mail/outbox.transport.ts';
import { errors } from '../http/errors.ts';
import { escapeHtml } from './mail.layout.ts';

/**
 * A development-only mailbox: lists the messages the outbox transport wrote
 * and shows each one, so the booking journey can be followed end to end
 * without an SMTP server. Register it only outside production. Its pages
 * are developer tooling, deliberately not translated.
 */

/** Parses a message with mailparser, loaded on the first visit: a server whose outbox nobody reads never holds it (~6 MB of heap). */
async function parseMail(source: Buffer | Readable): Promise<ParsedMail> {
  const { simpleParser } = await import('mailparser');
  return simpleParser(source);
}

/** Options of `devMailRoutes`. */
export interface DevMailRoutesOptions {
  /** The folder the outbox transport writes to. */
  outboxDir: string;
}

/** Newest messages listed; older ones stay on disk. */
const LIST_LIMIT = 200;
/** A header section larger than this is not one the outbox wrote. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Pages of our own: a style element and nothing else. The message's HTML
 * gets the same policy plus `sandbox`, so it can neither run script nor
 * submit forms, and loads nothing from the network.
 */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const MESSAGE_CSP = `${PAGE_CSP}; sandbox`;

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;word-break:break-word;background:#f4f4f4;padding:1rem}dt{font-weight:bold}dd{margin:0 0 .5rem}`;

const nameParams = z.object({ name: z.string() });

/** Resolves a message name to its path, or throws not-found for anything that is not an outbox file name. */
async function messagePath(outboxDir: string, name: string): Promise<string> {
  // The pattern admits no path separator and no leading dot, so the file is always directly inside the outbox.
  if (!OUTBOX_FILE_PATTERN.test(name)) throw errors.notFound();
  const file = path.join(outboxDir, name);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw errors.notFound();
  return file;
}

/** Reads the header section only (up to the first empty line), streaming, so listing stays cheap. */
async function readHead(file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = createReadStream(file, { highWaterMark: 16 * 1024 });
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buf);
      size += buf.length;
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end >= 0) return all.subarray(0, end + 4);
      if (size > MAX_HEADER_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}

function page(reply: FastifyReply, title: string, body: string): FastifyReply {
  const html = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
${body}
</main></body>
</html>
`;
  return reply
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}

function timeElement(date: Date | undefined): string {
  return date ? `<time datetime="${date.toISOString()}">${escapeHtml(date.toISOString().replace('T', ' ').slice(0, 19))} UTC</time>` : '';
}

/** Development mailbox: `GET /dev/mail`, `/dev/mail/:name`, `/dev/mail/:name/raw` and `/dev/mail/:name/html`. */
export const devMailRoutes: FastifyPluginAsyncZod<DevMailRoutesOptions> = (app, { outboxDir }) => {
  app.get('/dev/mail', async (_request, reply) => {
    const names = await readdir(outboxDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    const newest = names
      .filter((n) => OUTBOX_FILE_PATTERN.test(n))
      .sort()
      .reverse()
      .slice(0, LIST_LIMIT);
    const rows = await Promise.all(
      newest.map(async (name) => {
        const head = await parseMail(await readHead(path.join(outboxDir, name)));
        const href = `/dev/mail/${encodeURIComponent(name)}`;
        return (
          `<tr><td>${timeElement(head.date)}</td><td>${escapeHtml(addressText(head.to))}</td>` +
          `<td><a href="${href}">${escapeHtml(head.subject ?? '(no subject)')}</a></td>` +
          `<td><a href="${href}/html">HTML</a> · <a href="${href}/raw">.eml</a></td></tr>`
        );
      }),
    );
    const table = rows.length
      ? `<table><caption>Newest first (at most ${LIST_LIMIT})</caption>
<thead><tr><th scope="col">Date</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Views</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`
      : '<p>No messages yet. Mail sent while SMTP_URL is unset lands here.</p>';
    return page(reply, 'Outbox', `<h1>Outbox</h1>\n<p>Folder: <code>${escapeHtml(outboxDir)}</code></p>\n${table}`);
  });

  app.get('/dev/mail/:name', { schema: { params: nameParams } }, async (request, reply) => {
    const { name } = request.params;
    const mail = await parseMail(createReadStream(await messagePath(outboxDir, name)));
    const href = `/dev/mail/${encodeURIComponent(name)}`;
    const header = (label: string, value: string): string => `<dt>${label}</dt><dd>${escapeHtml(value)}</dd>`;
    const language = mail.headers.get('content-language');
    const attachments = mail.attachments
      .map((a) => `<li>${escapeHtml(a.filename ?? '(inline)')} — ${escapeHtml(a.contentType)}, ${a.size} bytes</li>`)
      .join('');
    const body = `<p><a href="/dev/mail">← Outbox</a></p>
<h1>${escapeHtml(mail.subject ?? '(no subject)')}</h1>
<dl>
${header('From', addressText(mail.from))}
${header('To', addressText(mail.to))}
<dt>Date</dt><dd>${timeElement(mail.date)}</dd>
${header('Message-ID', mail.messageId ?? '')}
${header('Content-Language', typeof language === 'string' ? language : '')}
</dl>
<p>${mail.html ? `<a href="${href}/html">Open the HTML part</a> · ` : ''}<a href="${href}/raw">Download the .eml</a></p>
${attachments ? `<h2>Attachments</h2><ul>${attachments}</ul>` : ''}
<h2>Text part</h2>
<pre>${escapeHtml(mail.text ?? '')}</pre>`;
    return page(reply, mail.subject ?? name, body);
  });

  app.get('/dev/mail/:name/raw', { schema: { params: nameParams } }, async (request, reply) => {
    const { name } = request.params;
    const file = await messagePath(outboxDir, name);
    // RFC 2046 §5.2.1: message/rfc822; the name is pattern-checked, so it needs no quoting beyond the quotes.
    return reply
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .type('message/rfc822')
      .send(createReadStream(file));
  });

  app.get('/dev/mail/:name/html', { schema: { params: nameParams } }, async (request, reply) => {
    const { name } = request.params;
    const mail = await parseMail(createReadStream(await messagePath(outboxDir, name)));
    if (!mail.html) throw errors.notFound();
    return reply
      .header('content-security-policy', MESSAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(mail.html);
  });
  // Nothing to set up asynchronously; the plugin contract still wants a promise.
  return Promise.resolve();
};
