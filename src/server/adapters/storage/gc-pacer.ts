import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Minor garbage collections paced by the bytes an upload brings in, so that
 * the memory of a server receiving gigabytes stays flat.
 *
 * Every chunk of a request body is garbage a moment after it arrives: the
 * socket's read buffer, and the copy `Readable.toWeb` makes of it (the tus
 * server reads bodies as web streams, and Node copies each chunk "to detach it
 * from the pool"). Their bytes live outside V8's heap, and the young
 * generation that holds their small JS handles fills slowly, so V8 lets tens of
 * MB of them pile up before a scavenge frees them — per upload, on top of the
 * server's own memory. A scavenge costs well under a millisecond on this
 * server's young generation (nothing of an upload stays alive in it), so one
 * every few MiB is free in throughput and keeps that pile at a few MiB.
 * Measured on bench/upload (README "Benchmarks").
 */

/** Bytes received, process-wide, between two collections: concurrent uploads share the pace. */
const PACE_BYTES = 4 * 1024 * 1024;

type Collect = (options: { type: 'minor' | 'major' }) => void;

/**
 * V8's `gc` function, without exposing it to the application's global scope:
 * the flag makes V8 install it in contexts created afterwards, and a fresh
 * `vm` context is one (the same trick as the `expose-gc` package). Null if
 * this V8 does not offer it, and pacing is then skipped.
 */
function v8Collect(): Collect | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const collect: unknown = vm.runInNewContext('gc');
    return typeof collect === 'function' ? (collect as Collect) : null;
  } catch {
    return null;
  }
}

let collect: Collect | null | undefined;
let received = 0;

/** Counts `bytes` just received by an upload, and runs a minor collection each time another PACE_BYTES came in. */
export function paceGarbage(bytes: number): void {
  received += bytes;
  if (received < PACE_BYTES) return;
  received = 0;
  if (collect === undefined) collect = v8Collect();
  collect?.({ type: 'minor' });
}
