/**
 * State kept in sessionStorage so a reload (or a phone discarding the tab)
 * does not lose the citizen's answers, while closing the tab forgets them.
 */
import { useCallback, useState } from 'react';

let prefix = 'finestreta';

/** Scopes stored state to one organisation (its path prefix), so two town halls never mix answers. */
export function setStoragePrefix(basePath: string): void {
  prefix = `finestreta${basePath}`;
}

/** Reads a stored value, or `fallback` when absent or unreadable. */
export function readStored<T>(key: string, fallback: T): T {
  try {
    const raw = window.sessionStorage.getItem(`${prefix}:${key}`);
    // Written only by writeStored; a malformed value falls back below.
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

/** Stores a value (null removes it). */
export function writeStored<T>(key: string, value: T | null): void {
  try {
    if (value === null) window.sessionStorage.removeItem(`${prefix}:${key}`);
    else window.sessionStorage.setItem(`${prefix}:${key}`, JSON.stringify(value));
  } catch {
    // Storage full or forbidden: the flow still works until the next reload.
  }
}

/** Like `useState`, mirrored into sessionStorage under `key`. */
export function useStoredState<T>(key: string, initial: T): [T, (next: T | ((previous: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => readStored(key, initial));
  const update = useCallback(
    (next: T | ((previous: T) => T)) => {
      setValue((previous) => {
        const resolved = typeof next === 'function' ? (next as (p: T) => T)(previous) : next;
        writeStored(key, resolved);
        return resolved;
      });
    },
    [key],
  );
  return [value, update];
}
