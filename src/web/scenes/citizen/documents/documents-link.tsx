/**
 * The way into the document space from the appointment page: how many
 * mandatory documents are in, whether any needs attention, and the button.
 * When the document space cannot be loaded the button is still there.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchDocumentSpace } from '../../../api/documents-api.ts';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { summariseSpace } from './space-summary.ts';

/** The documents summary and button of the appointment page; `base` is `/a/<token>`. */
export function DocumentsLink({ base }: { base: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [state] = useLoad((signal) => fetchDocumentSpace(signal), [language]);
  const summary = state.status === 'ready' ? summariseSpace(state.data) : null;
  return (
    <>
      {summary && summary.mandatoryTotal > 0 ? (
        <p className="body">{t('uploads.overview.progress', { provided: summary.mandatoryProvided, total: summary.mandatoryTotal })}</p>
      ) : null}
      {summary && summary.needingAttention > 0 ? (
        <p className="body">
          <strong>{t('uploads.link.attention', { count: summary.needingAttention })}</strong>
        </p>
      ) : null}
      <Link to={`${base}/documents`} className={summary && !summary.anyOpen ? 'button button--secondary' : 'button'}>
        {summary && !summary.anyOpen ? t('uploads.link.view') : t('uploads.link.upload')}
      </Link>
    </>
  );
}
