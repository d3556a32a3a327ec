/**
 * Privacy-friendly bot check: the browser solves an ALTCHA v2 proof of work
 * (no puzzle, no third party, no cookies). Solving starts in the background
 * as soon as the citizen reaches "check your answers", so it is usually done
 * by the time they press "Book".
 */
import { solveChallenge, type Challenge, type ChallengeParameters } from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/web/pbkdf2';
import { deriveKey as deriveSha } from 'altcha-lib/algorithms/web/sha';
import { fetchCaptchaChallenge } from './public-api.ts';
import type { CaptchaPayload } from './types.ts';

function toChallenge(raw: { parameters: Record<string, unknown>; signature?: string }): Challenge {
  // The server's parameters are ALTCHA's; altcha-lib validates them while solving.
  const parameters = raw.parameters as unknown as ChallengeParameters;
  return raw.signature === undefined ? { parameters } : { parameters, signature: raw.signature };
}

/** Fetches a challenge and solves it. Rejects when it cannot be solved in time. */
export async function solveCaptcha(controller?: AbortController): Promise<CaptchaPayload> {
  const raw = await fetchCaptchaChallenge(controller?.signal);
  const challenge = toChallenge(raw);
  const algorithm = typeof raw.parameters.algorithm === 'string' ? raw.parameters.algorithm : '';
  const solution = await solveChallenge({
    challenge,
    deriveKey: algorithm.startsWith('PBKDF2/') ? derivePbkdf2 : deriveSha,
    controller,
  });
  if (!solution) throw new Error('captcha_unsolved');
  return { challenge: raw, solution: { counter: solution.counter, derivedKey: solution.derivedKey } };
}

/**
 * Holds one background solve. `get()` waits for it (starting one if needed);
 * `renew()` discards it, e.g. after the server rejected it.
 */
export class CaptchaSolver {
  private pending: Promise<CaptchaPayload> | null = null;
  private solved: Promise<CaptchaPayload> | null = null;
  private controller: AbortController | null = null;

  /** Starts solving if nothing is in progress. */
  start(): void {
    if (this.pending) return;
    this.controller = new AbortController();
    const attempt = solveCaptcha(this.controller);
    // A failed background attempt is retried on demand by get().
    attempt.then(
      () => {
        this.solved = attempt;
      },
      () => {
        if (this.pending === attempt) this.pending = null;
      },
    );
    this.pending = attempt;
  }

  /** The solved payload (waits for the background solve). */
  get(): Promise<CaptchaPayload> {
    this.start();
    if (!this.pending) return Promise.reject(new Error('captcha_unsolved'));
    return this.pending;
  }

  /** Whether the current solution is ready, so `get()` will not wait. */
  get isReady(): boolean {
    return this.solved !== null && this.solved === this.pending;
  }

  /** Forgets the current solution (single use) and starts a new one. */
  renew(): void {
    this.pending = null;
    this.solved = null;
    this.start();
  }

  /** Stops any work in progress. */
  stop(): void {
    this.controller?.abort();
    this.pending = null;
  }
}
