/**
 * What a dashboard section that loads its own data shows before its data
 * are there: a polite "loading", or the problem with a "try again" button.
 */
import { useTranslation } from 'react-i18next';
import { Loading } from '../../../components/content.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import type { LoadState } from '../../../hooks/use-load.ts';

/** Renders nothing once the data are ready (the section renders them). */
export function SectionLoad({ state, retry }: { state: LoadState<unknown>; retry: () => void }) {
  const { t } = useTranslation();
  if (state.status === 'loading') return <Loading />;
  if (state.status !== 'error') return null;
  return (
    <>
      <p className="body">{problemMessage(state.error, t)}</p>
      <button type="button" className="button button--secondary" onClick={retry}>
        {t('common.tryAgain')}
      </button>
    </>
  );
}
