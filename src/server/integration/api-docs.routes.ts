import type { FastifyPluginAsync } from 'fastify';
import { tenantPrefix } from '../http/tenant.ts';
import { orgOf } from '../http/tenant.ts';
import { API_DOCS_CSS, renderApiDocs } from './api-docs.render.ts';
import { servedDocument } from './openapi.document.ts';

/**
 * The OpenAPI document and a reference page rendered from it on the server:
 * plain HTML and a same-origin stylesheet, so the strict CSP holds (no
 * inline script or style, no CDN). Public, like any API reference, but
 * served per organisation (its host and prefix are in the document).
 */
export const apiDocsRoutes: FastifyPluginAsync = async (app) => {
  const hidden = { schema: { hide: true } };
  const documentFor = (request: Parameters<typeof tenantPrefix>[0]) => {
    orgOf(request);
    return servedDocument(app.swagger(), `${request.protocol}://${request.host}${tenantPrefix(request)}`);
  };

  app.get('/api/v1/openapi.json', hidden, async (request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(documentFor(request)));
  });

  app.get('/api/v1/docs', hidden, async (request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return reply.type('text/html; charset=utf-8').send(renderApiDocs(documentFor(request)));
  });

  app.get('/api/v1/docs.css', hidden, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return reply.type('text/css; charset=utf-8').send(API_DOCS_CSS);
  });
};
