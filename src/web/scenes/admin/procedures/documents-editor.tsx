/**
 * A procedure's required documents: what citizens are asked to upload
 * before the appointment, in order — each with a name and description per
 * language, whether it is mandatory, the file types and the largest size
 * accepted. The whole list is saved at once; a document citizens already
 * uploaded for is retired by the server rather than deleted.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ACCEPTABLE_TYPES, DEFAULT_DOCUMENT_TYPES, PROCEDURE_LIMITS, requiredDocumentsInput, type AdminRequiredDocument, type RequiredDocumentInput } from '../../../../shared/catalogue-admin.ts';
import { EXTENSIONS_BY_TYPE } from '../../../../shared/documents.ts';
import { LANGUAGES } from '../../../../shared/limits.ts';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { TextArea, TextField } from '../../../components/text-field.tsx';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { fieldId, issueMessages, zodIssues } from './admin-issues.ts';
import { moved, useAdminSubmit } from './use-admin-submit.ts';

interface DraftDocument {
  /** Stable key for React; the server id when it exists. */
  key: string;
  id?: string | undefined;
  name: Record<string, string>;
  description: Record<string, string>;
  mandatory: boolean;
  acceptedTypes: string[];
  maxSizeMb: string;
}

let keys = 0;
const nextKey = () => `new-${++keys}`;

function draftOf(d: AdminRequiredDocument): DraftDocument {
  return { key: d.id, id: d.id, name: { ...d.name }, description: { ...d.description }, mandatory: d.mandatory, acceptedTypes: [...d.acceptedTypes], maxSizeMb: String(d.maxSizeMb) };
}

function inputOf(d: DraftDocument): RequiredDocumentInput {
  return {
    ...(d.id ? { id: d.id } : {}),
    name: d.name,
    description: d.description,
    mandatory: d.mandatory,
    acceptedTypes: d.acceptedTypes,
    maxSizeMb: /^\s*\d{1,4}\s*$/.test(d.maxSizeMb) ? Number(d.maxSizeMb) : Number.NaN,
  };
}

/** "PDF", "JPEG (JPG)"… as people know file types. */
export function typeLabel(type: string): string {
  const exts = EXTENSIONS_BY_TYPE[type] ?? [];
  return exts.map((e) => e.toUpperCase()).join(' / ') || type;
}

/** Props of {@link DocumentsEditor}. */
export interface DocumentsEditorProps {
  documents: AdminRequiredDocument[];
  onSave: (documents: RequiredDocumentInput[]) => Promise<void>;
}

/** The editor of the required documents. */
export function DocumentsEditor({ documents, onSave }: DocumentsEditorProps) {
  const { t } = useTranslation();
  const organisation = useOrganisation();
  const enabled = LANGUAGES.filter((l) => organisation.languages.includes(l));
  const [drafts, setDrafts] = useState<DraftDocument[]>(() => documents.map(draftOf));
  const { issues, busy, submits, run, summary } = useAdminSubmit();

  const label = (path: string): string => {
    const [, index, part, lang] = path.split('.');
    const n = Number(index) + 1;
    if (!part) return t('admin.documents.heading');
    if ((part === 'name' || part === 'description') && lang) return t(`admin.documents.${part}InOf`, { n, language: t(`admin.languages.${lang}`) });
    return t(`admin.documents.${part}Of`, { n });
  };
  const messages = issueMessages(issues, t, label);
  const update = (key: string, change: Partial<DraftDocument>) => setDrafts((list) => list.map((d) => (d.key === key ? { ...d, ...change } : d)));
  const move = (index: number, by: -1 | 1) => setDrafts((list) => moved(list, index, by));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = drafts.map(inputOf);
    const missing = input.flatMap((d, i) => enabled.filter((lang) => !d.name[lang]?.trim()).map((lang) => ({ path: `documents.${i}.name.${lang}`, code: 'required' })));
    const parsed = requiredDocumentsInput.safeParse({ documents: input });
    await run([...missing, ...(parsed.success ? [] : zodIssues(parsed.error))], () => onSave(input));
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-form">
      <ErrorSummary errors={summary(messages)} focusKey={submits} />
      {drafts.length === 0 ? <p className="body">{t('admin.documents.none')}</p> : null}
      <ol className="admin-list">
        {drafts.map((d, i) => {
          const base = `documents.${i}`;
          return (
            <li key={d.key} className="admin-list__item">
              <fieldset className="fieldset admin-card">
                <legend className="fieldset__legend fieldset__legend--s">{t('admin.documents.itemLegend', { n: i + 1, name: d.name[enabled[0] ?? 'ca'] || t('admin.documents.untitled') })}</legend>
                {enabled.map((lang) => (
                  <TextField
                    key={`n-${lang}`}
                    id={fieldId(`${base}.name.${lang}`)}
                    name={`${base}.name.${lang}`}
                    label={t('admin.documents.nameIn', { language: t(`admin.languages.${lang}`) })}
                    value={d.name[lang] ?? ''}
                    onChange={(v) => update(d.key, { name: { ...d.name, [lang]: v } })}
                    error={messages[`${base}.name.${lang}`]}
                    maxLength={PROCEDURE_LIMITS.documentNameMax}
                  />
                ))}
                {enabled.map((lang) => (
                  <TextArea
                    key={`d-${lang}`}
                    id={fieldId(`${base}.description.${lang}`)}
                    name={`${base}.description.${lang}`}
                    label={t('admin.documents.descriptionIn', { language: t(`admin.languages.${lang}`) })}
                    value={d.description[lang] ?? ''}
                    onChange={(v) => update(d.key, { description: { ...d.description, [lang]: v } })}
                    error={messages[`${base}.description.${lang}`]}
                    maxLength={PROCEDURE_LIMITS.documentDescriptionMax}
                    rows={2}
                  />
                ))}
                <Checkboxes
                  id={fieldId(`${base}.mandatory`)}
                  legend={t('admin.documents.mandatoryLegend')}
                  items={[{ id: fieldId(`${base}.mandatory`), name: `${base}.mandatory`, label: t('admin.documents.mandatory'), checked: d.mandatory, onChange: (checked: boolean) => update(d.key, { mandatory: checked }) }]}
                />
                <Checkboxes
                  id={fieldId(`${base}.acceptedTypes`)}
                  legend={t('admin.documents.acceptedTypes')}
                  error={messages[`${base}.acceptedTypes`]}
                  items={ACCEPTABLE_TYPES.map((type, j) => ({
                    id: j === 0 ? fieldId(`${base}.acceptedTypes`) : `${fieldId(`${base}.acceptedTypes`)}-${j}`,
                    name: `${base}.acceptedTypes`,
                    label: typeLabel(type),
                    checked: d.acceptedTypes.includes(type),
                    onChange: (checked: boolean) => update(d.key, { acceptedTypes: checked ? [...d.acceptedTypes, type] : d.acceptedTypes.filter((x) => x !== type) }),
                  }))}
                />
                <TextField
                  id={fieldId(`${base}.maxSizeMb`)}
                  name={`${base}.maxSizeMb`}
                  label={t('admin.documents.maxSizeMb')}
                  hint={t('admin.documents.maxSizeMbHint', { max: PROCEDURE_LIMITS.documentMaxSizeMb })}
                  value={d.maxSizeMb}
                  onChange={(v) => update(d.key, { maxSizeMb: v })}
                  error={messages[`${base}.maxSizeMb`]}
                  inputMode="numeric"
                  width="quarter"
                  maxLength={4}
                />
                <div className="button-group">
                  {i > 0 ? (
                    <button type="button" className="button button--secondary button--inline" onClick={() => move(i, -1)}>
                      {t('admin.moveUp', { name: t('admin.documents.itemShort', { n: i + 1 }) })}
                    </button>
                  ) : null}
                  {i < drafts.length - 1 ? (
                    <button type="button" className="button button--secondary button--inline" onClick={() => move(i, 1)}>
                      {t('admin.moveDown', { name: t('admin.documents.itemShort', { n: i + 1 }) })}
                    </button>
                  ) : null}
                  <button type="button" className="button button--warning button--inline" onClick={() => setDrafts((list) => list.filter((x) => x.key !== d.key))}>
                    {t('admin.remove', { name: t('admin.documents.itemShort', { n: i + 1 }) })}
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <div className="button-group">
        <button
          type="button"
          className="button button--secondary"
          disabled={drafts.length >= PROCEDURE_LIMITS.documentsMax}
          onClick={() => setDrafts((list) => [...list, { key: nextKey(), name: {}, description: {}, mandatory: true, acceptedTypes: [...DEFAULT_DOCUMENT_TYPES], maxSizeMb: '10' }])}
        >
          {t('admin.documents.add')}
        </button>
        <button type="submit" className="button" aria-disabled={busy}>
          {t('admin.documents.save')}
        </button>
      </div>
    </form>
  );
}
