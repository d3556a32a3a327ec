/**
 * Runs `fn` when the browser is idle (at the latest after `timeoutMs`), so
 * that secondary reads of a page do not compete with what the person is
 * waiting for (a call's first picture); answers how to cancel it.
 */
export function whenIdle(fn: () => void, timeoutMs = 1500): () => void {
  if (typeof window.requestIdleCallback === 'function') {
    const id = window.requestIdleCallback(fn, { timeout: timeoutMs });
    return () => window.cancelIdleCallback(id);
  }
  const timer = window.setTimeout(fn, 300);
  return () => window.clearTimeout(timer);
}
