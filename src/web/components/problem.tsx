/** Turning failures into words for the citizen, and the page shown when a page cannot load. */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { usePageTitle } from '../hooks/use-page-title.ts';
import { PageHeading } from './page-heading.tsx';

/** The message to show for `error`: the server's translated one, or a client-side one. */
export function problemMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (error.hasServerMessage) return error.message;
    if (error.id === 'network_error') return t('errors.network');
  }
  return t('errors.unexpected');
}

/** True when `error` is an API "not found". */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** A whole-page problem: what went wrong and a way to try again. */
export function LoadProblem({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const notFound = isNotFound(error);
  const title = notFound ? t('notFound.title') : t('errors.pageTitle');
  usePageTitle(title);
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <p className="body">{notFound ? t('notFound.body') : problemMessage(error, t)}</p>
      {onRetry && !notFound ? (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          {t('common.tryAgain')}
        </button>
      ) : null}
    </>
  );
}
