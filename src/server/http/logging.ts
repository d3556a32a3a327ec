import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';

/**
 * Hides the secrets a URL can carry: the personal link token (`/a/<token>`),
 * a phone link's token (`/u/<token>`), a staff invitation's
 * (`/staff/invitation/<token>`) and any `token=` query value. Logs
 * keep only opaque identifiers.
 */
export function maskUrl(url: string): string {
  return url
    .replace(/\/a\/[^/?#]+/, '/a/***')
    .replace(/\/u\/[^/?#]+/, '/u/***')
    .replace(/\/staff\/invitation\/[^/?#]+/, '/staff/invitation/***')
    .replace(/([?&](?:token|password)=)[^&]*/gi, '$1***');
}

/** pino options: request ids, no cookies, no authorisation headers, masked URLs. */
export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      censor: '***',
    },
    serializers: {
      req(req: { method: string; url: string; id: string; ip?: string }) {
        return { id: req.id, method: req.method, url: maskUrl(req.url) };
      },
    },
  };
}
