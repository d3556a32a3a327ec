import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Minor garbage collections paced by the bytes an upload brings in, so that
 * the memory of a server receiving gigabytes stays flat.
 *
 * Every chunk of a request body is garbage a moment after it arrives: the
 * buffer the HTTP parser hands over, and the copy `Readable.toWeb` makes of it
 * (the tus server reads bodies as web streams, and Node copies each chunk "to
 * detach it from the pool"). Their bytes live outside V8's heap and their small
 * JS handles fill the young generation slowly, so V8 lets tens of MB of them
 * pile up before it collects them — or, past its external-memory limit, runs a
 * full collection. A scavenge of this server's young generation (nothing of an
 * upload stays alive in it) takes a fraction of a millisecond; one every
 * PACE_BYTES keeps the pile at a few MiB. A chunk lives only until it is copied
 * into the crypto thread's ring, far shorter than PACE_BYTES, so none lives
 * through the two scavenges that would promote it to the old generation. On
 * bench/upload, with the crypto thread pacing its own garbage likewise
 * (seal-worker.js, which also keeps glibc from handing the freed memory back
 * to the system each time): peak RSS ~140 MB instead of ~200 MB without
 * pacing (~150 MB paced every 4 MiB), for no more CPU time.
 */
/** Bytes received, process-wide, between two collections: concurrent uploads share the pace. */
const PACE_BYTES = 2 * 1024 * 1024;

type Collect = (options: { type: 'minor' }) => void;

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

/**
 * A pacer of its own, for one stream whose chunks live longer than
 * PACE_BYTES (a package being sealed: read ahead, then written): a minor
 * collection each time another `paceBytes` went through it.
 */
export function garbagePacer(paceBytes: number): (bytes: number) => void {
  let seen = 0;
  return (bytes) => {
    seen += bytes;
    if (seen < paceBytes) return;
    seen = 0;
    if (collect === undefined) collect = v8Collect();
    collect?.({ type: 'minor' });
  };
}
