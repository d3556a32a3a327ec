import type { Readable } from 'node:stream';

/**
 * A malware scanner's answer about one file. `too_large`: the scanner could
 * not look at all of it (over its size limit, or one of clamd's other scan
 * limits), so the file is neither clean nor known to be infected — callers
 * show it as "not scanned", never as clean.
 */
export type ScanResult = { verdict: 'clean' } | { verdict: 'infected'; signature: string } | { verdict: 'too_large' };

/** Scans one file's bytes. Implementation: clamd over its INSTREAM command (`clamd-scanner.ts`). */
export interface MalwareScanner {
  /**
   * Scans `source`, which must yield exactly `size` bytes. The scanner owns
   * the stream: it reads it to the end or destroys it. Rejects with
   * `ScannerUnavailable` when the scanner cannot answer (try again later), and
   * with the stream's own error when `source` fails; it never resolves with a
   * verdict for bytes it did not see.
   */
  scan(source: Readable, size: number): Promise<ScanResult>;
}

/** Why a scan got no verdict; all of them are worth retrying later. */
export type ScannerUnavailableReason =
  /** Could not connect (refused, unknown host, no socket file, connect timeout). */
  | 'unreachable'
  /** The connection was idle for longer than the timeout. */
  | 'timeout'
  /** The scanner closed or reset the connection before answering. */
  | 'connection_lost'
  /** The scanner answered with an error of its own (e.g. it could not write its temporary file). */
  | 'scanner_error'
  /** The answer was not one the protocol allows at that point. */
  | 'bad_reply';

/**
 * The scanner gave no verdict. The document stays "scanning" and the caller
 * schedules another attempt; it is never taken to mean clean.
 */
export class ScannerUnavailable extends Error {
  constructor(
    public readonly reason: ScannerUnavailableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ScannerUnavailable';
  }
}
