/**
 * Why a phone link does not work, as a page of its own on the phone: it
 * has expired, was already used, was stopped, never existed (mistyped), or
 * the phone's time to upload is over. Each says what to do next, which is
 * always the same: make a new code on the computer.
 */
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client.ts';
import { InsetText } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { usePageTitle } from '../../../hooks/use-page-title.ts';

/** The reasons a phone page can end on. */
export type PhoneProblemReason = 'expired' | 'used' | 'revoked' | 'invalid' | 'ended' | 'other';

/** The reason an API failure stands for. */
export function phoneProblemReason(error: unknown): PhoneProblemReason {
  if (!(error instanceof ApiError)) return 'other';
  switch (error.id) {
    case 'uploader_link_expired':
      return 'expired';
    case 'uploader_link_used':
      return 'used';
    case 'uploader_link_revoked':
      return 'revoked';
    default:
      if (error.status === 404) return 'invalid';
      if (error.status === 401) return 'ended';
      return 'other';
  }
}

function titleOf(reason: PhoneProblemReason, t: ReturnType<typeof useTranslation>['t']): string {
  switch (reason) {
    case 'expired':
      return t('phone.problem.expired.title');
    case 'used':
      return t('phone.problem.used.title');
    case 'revoked':
      return t('phone.problem.revoked.title');
    case 'invalid':
      return t('phone.problem.invalid.title');
    case 'ended':
      return t('phone.problem.ended.title');
    case 'other':
      return t('errors.pageTitle');
  }
}

function bodyOf(reason: PhoneProblemReason, t: ReturnType<typeof useTranslation>['t']): string | null {
  switch (reason) {
    case 'expired':
      return t('phone.problem.expired.body');
    case 'used':
      return t('phone.problem.used.body');
    case 'revoked':
      return t('phone.problem.revoked.body');
    case 'invalid':
      return t('phone.problem.invalid.body');
    case 'ended':
      return t('phone.problem.ended.body');
    case 'other':
      return null;
  }
}

/** The page for a link or session that does not work. */
export function PhoneProblem({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const reason = phoneProblemReason(error);
  const title = titleOf(reason, t);
  usePageTitle(title);
  return (
    <>
      <PageHeading caption={t('phone.caption')}>{title}</PageHeading>
      <p className="body">{bodyOf(reason, t) ?? problemMessage(error, t)}</p>
      {reason === 'other' ? (
        onRetry ? (
          <button type="button" className="button button--secondary" onClick={onRetry}>
            {t('common.tryAgain')}
          </button>
        ) : null
      ) : (
        <InsetText>
          <p className="body">{t('phone.problem.next')}</p>
        </InsetText>
      )}
    </>
  );
}
