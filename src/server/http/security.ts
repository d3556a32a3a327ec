import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from './errors.ts';

/**
 * Security headers and rate limits. The CSP allows only our own scripts and
 * styles (Vite emits files, never inline code) and forbids framing.
 */
export async function installSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // 'wasm-unsafe-eval' allows WebAssembly only (not eval): pdf.js decodes JPEG 2000 and JBIG2 scans with it.
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(config.secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only means something behind TLS.
    hsts: config.secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(rateLimit, {
    global: true,
    max: config.limits.ratePerMinute,
    timeWindow: 60_000,
    // `app.injectWS()` requests have no ip (STACK.md): never crash on that.
    keyGenerator: (req: FastifyRequest) => req.ip || 'unknown',
    allowList: (req: FastifyRequest) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
    errorResponseBuilder: (_req, context) => {
      const err = new AppError(429, 'too_many_requests', { retryAfterSeconds: Math.ceil(context.ttl / 1000) });
      // The central error handler translates it.
      return Object.assign(err, { statusCode: 429 });
    },
  });
}
