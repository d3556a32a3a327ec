import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { isReady } from '../db/database.ts';

/** Request counters for `/metrics`, by method, route pattern and status class. */
class HttpMetrics {
  private counts = new Map<string, number>();
  private durationSum = 0;
  private durationCount = 0;

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${method}",route="${route}",status="${Math.floor(status / 100)}xx"`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.durationSum += seconds;
    this.durationCount += 1;
  }

  render(): string {
    const lines = [
      '# HELP finestreta_http_requests_total HTTP requests answered.',
      '# TYPE finestreta_http_requests_total counter',
      ...[...this.counts].map(([k, v]) => `finestreta_http_requests_total{${k}} ${v}`),
      '# HELP finestreta_http_request_duration_seconds Time to answer HTTP requests.',
      '# TYPE finestreta_http_request_duration_seconds summary',
      `finestreta_http_request_duration_seconds_sum ${this.durationSum}`,
      `finestreta_http_request_duration_seconds_count ${this.durationCount}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}

/**
 * `/healthz` (the process answers), `/readyz` (database reachable, migrations
 * applied), `/metrics` (HTTP counters plus what each subsystem reports).
 */
export function opsRoutes(app: FastifyInstance, ctx: AppContext, sources: (() => Promise<string>)[] = []): void {
  const metrics = new HttpMetrics();
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await isReady(ctx.db);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready' });
  });
  app.get('/metrics', async (_request, reply) => {
    const mem = process.memoryUsage();
    const extra = [
      '# HELP finestreta_process_resident_memory_bytes Resident memory.',
      '# TYPE finestreta_process_resident_memory_bytes gauge',
      `finestreta_process_resident_memory_bytes ${mem.rss}`,
    ].join('\n');
    const more = (await Promise.all(sources.map((s) => s()))).join('');
    return reply.type('text/plain; version=0.0.4').send(`${metrics.render()}${extra}\n${more}`);
  });
}
