/** The documents a procedure requires: name, mandatory or optional (in words), description, formats and size. */
import { useTranslation } from 'react-i18next';
import type { RequiredDocument } from '../api/types.ts';
import { useLanguage } from '../hooks/use-language.ts';
import { formatFileTypes } from '../i18n/format.ts';
import { Tag } from './content.tsx';

/** Lists required documents, mandatory ones first. */
export function DocumentList({ documents }: { documents: readonly RequiredDocument[] }) {
  const { t } = useTranslation();
  const language = useLanguage();
  if (documents.length === 0) return <p className="body">{t('documents.none')}</p>;
  const ordered = [...documents].sort((a, b) => Number(b.mandatory) - Number(a.mandatory));
  return (
    <ul className="document-list">
      {ordered.map((doc) => (
        <li key={doc.id} className="document-list__item">
          <div className="document-list__title">
            <h3 className="heading-s document-list__name">{doc.name}</h3>
            <Tag colour={doc.mandatory ? 'blue' : 'grey'}>
              {doc.mandatory ? t('documents.mandatory') : t('documents.optional')}
            </Tag>
          </div>
          {doc.description ? <p className="body">{doc.description}</p> : null}
          <p className="hint">
            {t('documents.formats', {
              types: formatFileTypes(doc.acceptedTypes, language),
              size: doc.maxSizeMb,
            })}
          </p>
        </li>
      ))}
    </ul>
  );
}
