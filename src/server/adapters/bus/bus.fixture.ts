import { Redis } from 'ioredis';

/** The Redis the tests use: TEST_REDIS_URL, else the local one. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether the test Redis answers. When it does not, CI fails at once (a
 * Redis test that silently skips would hide a broken multi-node setup);
 * elsewhere the Redis tests are skipped with a loud warning.
 */
export async function redisAvailable(url = TEST_REDIS_URL): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch (error) {
    const message = `Redis at ${url} is unreachable (${error instanceof Error ? error.message : String(error)}): the Redis event bus tests cannot run.`;
    if (process.env.CI) throw new Error(`${message} CI must start Redis (redis-server) before the tests.`, { cause: error });
    process.stderr.write(`\n\u001b[33m⚠⚠⚠ ${message} They are SKIPPED. Start redis-server to run them.\u001b[0m\n\n`);
    return false;
  } finally {
    probe.disconnect();
  }
}
