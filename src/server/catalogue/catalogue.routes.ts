import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import { presentOrganisation } from '../organisations/organisation.present.ts';
import { catalogueRepo } from './catalogue.repo.ts';
import { presentProcedure } from './catalogue.present.ts';
import { langQuery, organisationView, procedureParams, procedureView } from './catalogue.schema.ts';

/** Public catalogue: the organisation's profile and its bookable procedures. Anyone may read them. */
export const catalogueRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/api/public/organisation',
    { schema: { querystring: langQuery, response: { 200: envelope(organisationView) } } },
    async (request) => ({ data: presentOrganisation(orgOf(request)) }),
  );

  app.get(
    '/api/public/procedures',
    { schema: { querystring: langQuery, response: { 200: envelope(z.array(procedureView)) } } },
    async (request) => {
      const org = orgOf(request);
      const procedures = await catalogueRepo.activeProcedures(ctx.db, org.id);
      const docs = await catalogueRepo.requiredDocuments(ctx.db, org.id, procedures.map((p) => p.id));
      return { data: procedures.map((p) => presentProcedure(p, docs, request.lang)) };
    },
  );

  app.get(
    '/api/public/procedures/:id',
    { schema: { params: procedureParams, querystring: langQuery, response: { 200: envelope(procedureView) } } },
    async (request) => {
      const org = orgOf(request);
      const procedure = await catalogueRepo.procedure(ctx.db, org.id, request.params.id);
      if (!procedure || procedure.active !== 1) throw errors.notFound();
      const docs = await catalogueRepo.requiredDocuments(ctx.db, org.id, [procedure.id]);
      return { data: presentProcedure(procedure, docs, request.lang) };
    },
  );
};
