/** Loads one procedure in the UI language (the server localises names and documents). */
import { fetchProcedure } from '../api/public-api.ts';
import type { ProcedureView } from '../api/types.ts';
import { useLanguage } from './use-language.ts';
import { useLoad, type LoadState } from './use-load.ts';

/** The procedure `id`, reloaded when the language changes. */
export function useProcedure(id: string): [LoadState<ProcedureView>, () => void] {
  const language = useLanguage();
  return useLoad((signal) => fetchProcedure(id, language, signal), [id, language]);
}
