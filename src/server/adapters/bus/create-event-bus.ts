import type { Config } from '../../config.ts';
import type { BusLog, EventBus } from './event-bus.ts';
import { inProcessBus } from './in-process-bus.ts';
import { redisBus } from './redis-bus.ts';

/** The bus the configuration asks for: Redis when `REDIS_URL` is set, else in-process (one node). */
export function createEventBus(config: Pick<Config, 'realtime'>, log: BusLog): EventBus {
  const url = config.realtime.redisUrl;
  return url ? redisBus(url, log) : inProcessBus(log);
}
