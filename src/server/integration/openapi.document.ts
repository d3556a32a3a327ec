import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/webhook-events.ts';
import { apiSchemas } from './integration.schema.ts';

/** What each error status means on this API, for the document's response descriptions. */
const RESPONSE_DESCRIPTIONS: Record<string, string> = {
  '200': 'OK.',
  '201': 'Created (or, with a reused `Idempotency-Key`, the first answer replayed, marked `Idempotent-Replayed: true`).',
  '400': 'Invalid input: `validation_failed` with `details.issues[]` (`path`, `code`).',
  '401': 'No API key, or not a valid key of this organisation (`unauthenticated`, `invalid_api_key`).',
  '403': 'The key lacks the scope (`insufficient_scope`).',
  '404': 'No such resource in this organisation (`not_found`).',
  '409': 'Conflict: `slot_taken` (with `alternatives`), `appointment_closed`, `too_many_open_appointments`, `idempotency_key_in_progress`.',
  '422': 'Refused: `slot_unavailable`, `change_too_late`, `channel_not_offered`, `idempotency_key_reused`, `too_many_webhooks`.',
  '429': 'Too many requests (`too_many_requests`, with `details.retryAfterSeconds`).',
};

const DESCRIPTION = [
  'The integration API of Finestreta for the town’s appointment system and other machines.',
  '',
  'Authenticate with an API key of the organisation: `Authorization: Bearer fin_…`. Each route needs a scope: `catalogue:read`, `appointments:read` or `appointments:write`. Every answer is JSON: `{ "data": … }` on success, `{ "error": { "id", "message", "requestId", "details" } }` otherwise; match on `error.id`, show `message` to people.',
  '',
  'Instants are UTC in ISO 8601; local dates and times use the organisation’s time zone (Europe/Madrid).',
  '',
  'Webhooks: every delivery carries `Finestreta-Event-Id` (the same on retries — de-duplicate on it), `Finestreta-Timestamp` (unix seconds) and `Finestreta-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`. Verify the signature over the raw body, in constant time, and refuse timestamps more than five minutes away. Answer 2xx within 10 seconds; other answers are retried with exponential backoff for up to three days. Order is not guaranteed: use `occurredAt`.',
].join('\n');

const signedHeaders = [
  { name: 'Finestreta-Event-Id', in: 'header', required: true, schema: { type: 'string' }, description: 'Stable per event: de-duplicate on it.' },
  { name: 'Finestreta-Timestamp', in: 'header', required: true, schema: { type: 'string' }, description: 'Unix seconds when this attempt was signed.' },
  {
    name: 'Finestreta-Signature',
    in: 'header',
    required: true,
    schema: { type: 'string' },
    description: '`v1=` followed by the hex HMAC-SHA256 of `timestamp.body` under the subscription’s secret.',
  },
] as const;

/** OpenAPI 3.1 `webhooks`: what receivers get for each event type. */
const webhooks = Object.fromEntries(
  WEBHOOK_EVENT_TYPES.map((type) => [
    type,
    {
      post: {
        summary: `Event ${type}`,
        operationId: `on_${type.replace('.', '_')}`,
        tags: ['Webhooks'],
        parameters: [...signedHeaders],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookEvent' } } } },
        responses: { '2XX': { description: 'Acknowledged; anything else is retried.' } },
      },
    },
  ]),
);

/**
 * Registers @fastify/swagger on the integration plugin, so the document
 * lists exactly the routes of that plugin (the v1 API), converted from the
 * same zod schemas that validate them. JSON Schema 2020-12 is OpenAPI 3.1's
 * dialect (OAS 3.1 §4.8.24), so the schemas are emitted unchanged.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Finestreta integration API', version: '1.0.0', description: DESCRIPTION },
      tags: [
        { name: 'Catalogue', description: 'Procedures and their free slots.' },
        { name: 'Appointments', description: 'Book, read, cancel and move video appointments.' },
        { name: 'Webhooks', description: 'Be told about appointment changes.' },
      ],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'fin_<prefix>_<secret>',
            description: 'An API key of the organisation, created by its administrators, with the scopes the routes need.',
          },
        },
      },
      security: [{ apiKey: [] }],
      webhooks,
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiSchemas, zodToJsonConfig: { target: 'draft-2020-12' } }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: apiSchemas, zodToJsonConfig: { target: 'draft-2020-12' } }),
  });
}

/** A JSON object, for walking the generated document without trusting its shape. */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every `$ref` target under `node`. */
function refsIn(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const v of node) refsIn(v, into);
  else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') into.add(v.replace(/^#\/components\/schemas\//, ''));
      else refsIn(v, into);
    }
  }
  return into;
}

/**
 * The served document: the generated one with a description on every
 * response, only the named schemas something refers to (the zod transform
 * emits an input and an output variant of each), and the server the caller
 * reached (host and tenant prefix), so that tools can call the API from it.
 */
export function servedDocument(generated: unknown, serverUrl: string): Json {
  const doc: Json = structuredClone(isObject(generated) ? generated : {});
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const op of Object.values(item)) {
      if (!isObject(op) || !isObject(op.responses)) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        const description = RESPONSE_DESCRIPTIONS[status];
        if (description && isObject(response) && response.description === 'Default Response') response.description = description;
      }
    }
  }
  const components = isObject(doc.components) ? doc.components : {};
  if (isObject(components.schemas)) {
    const schemas = components.schemas;
    const used = refsIn([doc.paths, doc.webhooks], new Set());
    // Referenced schemas may refer to others: close over them.
    for (let size = -1; size !== used.size; ) {
      size = used.size;
      for (const name of [...used]) refsIn(schemas[name], used);
    }
    components.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  }
  doc.servers = [{ url: serverUrl }];
  return doc;
}
