/** The "Back" link at the top of a question page (GOV.UK back link). */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** A link to the previous step; explicit targets keep it predictable after a reload. */
export function BackLink({ to }: { to: string }) {
  const { t } = useTranslation();
  return (
    <Link to={to} className="back-link">
      {t('common.back')}
    </Link>
  );
}
