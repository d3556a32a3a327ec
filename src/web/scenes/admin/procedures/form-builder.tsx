/**
 * The registry form builder: the fields the agent fills in during the call
 * (protocol step 4), built one by one — key, type, required, label and help
 * in every language, the choices of a choice field, a number's bounds, a
 * text's length — with a live preview, in the language chosen, of what the
 * agent will type into and of what the citizen will read on their screen,
 * checked as the server will check it.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../../../../shared/limits.ts';
import { checkFormData, displayValue, FORM_LIMITS, formDefinition, type FormDefinition, type FormField } from '../../../../shared/procedure-forms.ts';
import type { FormFieldView } from '../../../../shared/protocol.ts';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { FieldInput } from '../../staff/queue/protocol-form.tsx';
import { formInput, typedValue, type TypedForm, type TypedValue } from '../../staff/queue/protocol-values.ts';
import { fieldId, issueMessages, zodIssues } from './admin-issues.ts';
import { moved, useAdminSubmit } from './use-admin-submit.ts';
import { definitionOf, draftsOf, FORM_FIELD_TYPES, newChoice, newField, suggestKey, type DraftField } from './form-model.ts';

/** Props of {@link FormBuilder}. */
export interface FormBuilderProps {
  /** The stored form; null when the procedure has none yet (the generic form applies). */
  form: FormDefinition | null;
  onSave: (form: FormDefinition) => Promise<void>;
}

/** The builder and its preview. */
export function FormBuilder({ form, onSave }: FormBuilderProps) {
  const { t } = useTranslation();
  const [drafts, setDrafts] = useState<DraftField[]>(() => draftsOf(form));
  const { issues, busy, submits, run, summary: summaryOf } = useAdminSubmit();

  const label = (path: string): string => {
    const parts = path.split('.');
    const n = Number(parts[1]) + 1;
    if (parts.length < 3) return t('admin.form.heading');
    const part = parts[2] ?? '';
    if (part === 'choices') {
      if (parts.length < 5) return t('admin.form.choicesOf', { n });
      const c = Number(parts[3]) + 1;
      return parts[4] === 'label' && parts[5] ? t('admin.form.choiceLabelOf', { n, c, language: t(`admin.languages.${parts[5]}`) }) : t('admin.form.choiceValueOf', { n, c });
    }
    if ((part === 'label' || part === 'help') && parts[3]) return t(`admin.form.${part}Of`, { n, language: t(`admin.languages.${parts[3]}`) });
    return t(`admin.form.${part}Of`, { n });
  };
  const messages = issueMessages(issues, t, label);
  const update = (uid: string, change: Partial<DraftField>) => setDrafts((list) => list.map((d) => (d.uid === uid ? { ...d, ...change } : d)));
  const move = (index: number, by: -1 | 1) => setDrafts((list) => moved(list, index, by));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = formDefinition.safeParse(definitionOf(drafts));
    await run(parsed.success ? [] : zodIssues(parsed.error), () => (parsed.success ? onSave(parsed.data) : Promise.resolve()));
  };

  // A problem of the whole list ("two fields have the same key") links to the first field's key.
  const summary = summaryOf(messages).map((e) => (e.fieldId === fieldId('fields') ? { ...e, fieldId: fieldId('fields.0.key') } : e));

  return (
    <div className="form-builder">
      <form onSubmit={(e) => void submit(e)} noValidate className="admin-form form-builder__fields">
        <ErrorSummary errors={summary} focusKey={submits} />
        {form === null ? <p className="body">{t('admin.form.generic')}</p> : null}
        {messages.fields ? <p className="error-message" id={fieldId('fields')}>{messages.fields}</p> : null}
        <ol className="admin-list">
          {drafts.map((d, i) => (
            <li key={d.uid} className="admin-list__item">
              <FieldEditor draft={d} index={i} count={drafts.length} messages={messages} onChange={(change) => update(d.uid, change)} onMove={(by) => move(i, by)} onRemove={() => setDrafts((list) => list.filter((x) => x.uid !== d.uid))} />
            </li>
          ))}
        </ol>
        <div className="button-group">
          <button type="button" className="button button--secondary" disabled={drafts.length >= FORM_LIMITS.fieldsMax} onClick={() => setDrafts((list) => [...list, newField()])}>
            {t('admin.form.add')}
          </button>
          <button type="submit" className="button" aria-disabled={busy}>
            {t('admin.form.save')}
          </button>
        </div>
      </form>
      <FormPreview drafts={drafts} />
    </div>
  );
}

interface FieldEditorProps {
  draft: DraftField;
  index: number;
  count: number;
  messages: Record<string, string>;
  onChange: (change: Partial<DraftField>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}

/** One field of the form being built. */
function FieldEditor({ draft: d, index: i, count, messages, onChange, onMove, onRemove }: FieldEditorProps) {
  const { t } = useTranslation();
  const n = i + 1;
  const base = `fields.${i}`;
  const title = d.label.ca || d.key || t('admin.form.untitled');
  return (
    <fieldset className="fieldset admin-card">
      <legend className="fieldset__legend fieldset__legend--s">{t('admin.form.fieldLegend', { n, name: title })}</legend>
      {LANGUAGES.map((lang) => (
        <TextField
          key={`label-${lang}`}
          id={fieldId(`${base}.label.${lang}`)}
          name={`${base}.label.${lang}`}
          label={t('admin.form.labelOf', { n, language: t(`admin.languages.${lang}`) })}
          value={d.label[lang]}
          onChange={(v) => onChange({ label: { ...d.label, [lang]: v }, ...(lang === 'ca' && (d.key === '' || d.key === suggestKey(d.label.ca)) ? { key: suggestKey(v) } : {}) })}
          error={messages[`${base}.label.${lang}`]}
          maxLength={FORM_LIMITS.labelMax}
        />
      ))}
      <TextField
        id={fieldId(`${base}.key`)}
        name={`${base}.key`}
        label={t('admin.form.keyOf', { n })}
        hint={t('admin.form.keyHint')}
        value={d.key}
        onChange={(v) => onChange({ key: v })}
        error={messages[`${base}.key`]}
        width="half"
        spellCheck={false}
        autoCapitalize="none"
        maxLength={FORM_LIMITS.keyMax}
      />
      <StaffSelect
        id={fieldId(`${base}.type`)}
        name={`${base}.type`}
        label={t('admin.form.typeOf', { n })}
        value={d.type}
        onChange={(v) => {
          const type = v as DraftField['type'];
          onChange({ type, choices: type === 'choice' && d.choices.length === 0 ? [newChoice(), newChoice()] : d.choices });
        }}
        error={messages[`${base}.type`]}
        options={FORM_FIELD_TYPES.map((type) => ({ value: type, label: t(`admin.form.type.${type}`) }))}
      />
      <Checkboxes
        id={fieldId(`${base}.required`)}
        legend={t('admin.form.requiredLegend', { n })}
        items={[{ id: fieldId(`${base}.required`), name: `${base}.required`, label: t('admin.form.requiredOf', { n }), checked: d.required, onChange: (checked: boolean) => onChange({ required: checked }) }]}
      />
      <details className="details">
        <summary className="details__summary">{t('admin.form.helpSummary', { n })}</summary>
        <div className="details__text">
          {LANGUAGES.map((lang) => (
            <TextField
              key={`help-${lang}`}
              id={fieldId(`${base}.help.${lang}`)}
              name={`${base}.help.${lang}`}
              label={t('admin.form.helpOf', { n, language: t(`admin.languages.${lang}`) })}
              value={d.help[lang]}
              onChange={(v) => onChange({ help: { ...d.help, [lang]: v } })}
              error={messages[`${base}.help.${lang}`]}
              maxLength={FORM_LIMITS.helpMax}
            />
          ))}
        </div>
      </details>
      {d.type === 'choice' ? <ChoicesEditor draft={d} index={i} messages={messages} onChange={onChange} /> : null}
      {d.type === 'number' ? (
        <div className="admin-form__row">
          <TextField id={fieldId(`${base}.min`)} name={`${base}.min`} label={t('admin.form.minOf', { n })} value={d.min} onChange={(v) => onChange({ min: v })} error={messages[`${base}.min`]} inputMode="decimal" width="quarter" maxLength={12} />
          <TextField id={fieldId(`${base}.max`)} name={`${base}.max`} label={t('admin.form.maxOf', { n })} value={d.max} onChange={(v) => onChange({ max: v })} error={messages[`${base}.max`]} inputMode="decimal" width="quarter" maxLength={12} />
          <Checkboxes
            id={fieldId(`${base}.integer`)}
            legend={t('admin.form.integerLegend', { n })}
            items={[{ id: fieldId(`${base}.integer`), name: `${base}.integer`, label: t('admin.form.integerOf', { n }), checked: d.integer, onChange: (checked: boolean) => onChange({ integer: checked }) }]}
          />
        </div>
      ) : null}
      {d.type === 'text' ? (
        <div className="admin-form__row">
          <TextField id={fieldId(`${base}.maxLength`)} name={`${base}.maxLength`} label={t('admin.form.maxLengthOf', { n })} hint={t('admin.form.maxLengthHint', { max: FORM_LIMITS.textCeiling })} value={d.maxLength} onChange={(v) => onChange({ maxLength: v })} error={messages[`${base}.maxLength`]} inputMode="numeric" width="quarter" maxLength={4} />
          <Checkboxes
            id={fieldId(`${base}.multiline`)}
            legend={t('admin.form.multilineLegend', { n })}
            items={[{ id: fieldId(`${base}.multiline`), name: `${base}.multiline`, label: t('admin.form.multilineOf', { n }), checked: d.multiline, onChange: (checked: boolean) => onChange({ multiline: checked }) }]}
          />
        </div>
      ) : null}
      <div className="button-group">
        {i > 0 ? (
          <button type="button" className="button button--secondary button--inline" onClick={() => onMove(-1)}>
            {t('admin.moveUp', { name: t('admin.form.fieldShort', { n }) })}
          </button>
        ) : null}
        {i < count - 1 ? (
          <button type="button" className="button button--secondary button--inline" onClick={() => onMove(1)}>
            {t('admin.moveDown', { name: t('admin.form.fieldShort', { n }) })}
          </button>
        ) : null}
        <button type="button" className="button button--warning button--inline" onClick={onRemove}>
          {t('admin.remove', { name: t('admin.form.fieldShort', { n }) })}
        </button>
      </div>
    </fieldset>
  );
}

/** The choices of a choice field: a value (stored) and a label per language (shown). */
function ChoicesEditor({ draft: d, index: i, messages, onChange }: { draft: DraftField; index: number; messages: Record<string, string>; onChange: (change: Partial<DraftField>) => void }) {
  const { t } = useTranslation();
  const n = i + 1;
  const base = `fields.${i}.choices`;
  const setChoice = (uid: string, change: Partial<DraftField['choices'][number]>) => onChange({ choices: d.choices.map((c) => (c.uid === uid ? { ...c, ...change } : c)) });
  return (
    <fieldset className="fieldset">
      <legend className="fieldset__legend">{t('admin.form.choicesOf', { n })}</legend>
      {messages[base] ? <p className="error-message" id={fieldId(base)}>{messages[base]}</p> : null}
      <ol className="admin-list">
        {d.choices.map((c, j) => (
          <li key={c.uid} className="admin-list__item admin-choice">
            {LANGUAGES.map((lang) => (
              <TextField
                key={lang}
                id={fieldId(`${base}.${j}.label.${lang}`)}
                name={`${base}.${j}.label.${lang}`}
                label={t('admin.form.choiceLabelOf', { n, c: j + 1, language: t(`admin.languages.${lang}`) })}
                value={c.label[lang]}
                onChange={(v) => setChoice(c.uid, { label: { ...c.label, [lang]: v }, ...(lang === 'ca' && (c.value === '' || c.value === suggestKey(c.label.ca)) ? { value: suggestKey(v) } : {}) })}
                error={messages[`${base}.${j}.label.${lang}`]}
                maxLength={FORM_LIMITS.labelMax}
              />
            ))}
            <TextField
              id={fieldId(`${base}.${j}.value`)}
              name={`${base}.${j}.value`}
              label={t('admin.form.choiceValueOf', { n, c: j + 1 })}
              value={c.value}
              onChange={(v) => setChoice(c.uid, { value: v })}
              error={messages[`${base}.${j}.value`]}
              width="half"
              spellCheck={false}
              autoCapitalize="none"
              maxLength={FORM_LIMITS.keyMax}
            />
            <button type="button" className="button button--warning button--inline" onClick={() => onChange({ choices: d.choices.filter((x) => x.uid !== c.uid) })}>
              {t('admin.remove', { name: t('admin.form.choiceShort', { n, c: j + 1 }) })}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" className="button button--secondary button--inline" disabled={d.choices.length >= FORM_LIMITS.choicesMax} onClick={() => onChange({ choices: [...d.choices, newChoice()] })}>
        {t('admin.form.addChoice', { n })}
      </button>
    </fieldset>
  );
}

/** A field of the preview: only fields with a usable, unique key (a half-typed one is left out). */
function previewFields(drafts: readonly DraftField[], lang: Language): { field: FormField; view: FormFieldView }[] {
  const seen = new Set<string>();
  const out: { field: FormField; view: FormFieldView }[] = [];
  for (const field of definitionOf(drafts).fields) {
    if (!/^[a-z][a-z0-9_]*$/.test(field.key) || seen.has(field.key)) continue;
    seen.add(field.key);
    const choices = field.type === 'choice' ? (field.choices ?? []).filter((c) => c.value !== '').map((c) => ({ value: c.value, label: c.label[lang] || c.value })) : null;
    const view: FormFieldView = { key: field.key, type: field.type, required: field.required, label: field.label[lang] || field.key, help: field.help?.[lang] || null, choices, value: null, display: '' };
    out.push({ field, view });
  }
  return out;
}

/** What the agent and the citizen will see, in one language, with what is typed into the preview checked as the server will. */
function FormPreview({ drafts }: { drafts: readonly DraftField[] }) {
  const { t } = useTranslation();
  const [lang, setLang] = useState<Language>('ca');
  const [typed, setTyped] = useState<TypedForm>({});
  const fields = useMemo(() => previewFields(drafts, lang), [drafts, lang]);
  const checked = useMemo(() => {
    const definition = { fields: fields.map((f) => f.field) };
    const data = formInput(fields.map((f) => f.view), typed);
    return { definition, data, result: checkFormData(definition, data, { draft: true, lang }) };
  }, [fields, typed, lang]);
  const errors: Record<string, string> = {};
  if (!checked.result.ok) for (const issue of checked.result.issues) errors[issue.path.split('.')[0] ?? issue.path] ??= issue.message;
  const shown = checked.result.ok ? checked.result.data : {};

  return (
    <section className="form-builder__preview" aria-labelledby="form-preview-heading">
      <h3 id="form-preview-heading" className="heading-s">
        {t('admin.form.preview.heading')}
      </h3>
      <StaffSelect
        id="form-preview-language"
        name="previewLanguage"
        label={t('admin.form.preview.language')}
        value={lang}
        onChange={(v) => setLang(v as Language)}
        options={LANGUAGES.map((l) => ({ value: l, label: t(`admin.languages.${l}`) }))}
      />
      {fields.length === 0 ? <p className="body">{t('admin.form.preview.empty')}</p> : null}
      <div className="form-builder__screens">
        <div className="form-builder__screen" lang={lang}>
          <h4 className="heading-s">{t('admin.form.preview.agent')}</h4>
          <div className="form-builder__agent" data-testid="form-preview-agent">
            {fields.map(({ view }) => (
              <FieldInput key={view.key} field={view} value={typed[view.key] ?? typedValue(view)} error={errors[view.key]} onChange={(v: TypedValue) => setTyped((x) => ({ ...x, [view.key]: v }))} />
            ))}
          </div>
        </div>
        <div className="form-builder__screen" lang={lang}>
          <h4 className="heading-s">{t('admin.form.preview.citizen')}</h4>
          <dl className="summary-list" data-testid="form-preview-citizen">
            {fields.map(({ field }) => (
              <div key={field.key} className="summary-list__row">
                <dt className="summary-list__key">{field.label[lang] || field.key}</dt>
                <dd className="summary-list__value">{displayValue(field, shown[field.key], lang) || <span className="hint">{t('admin.form.preview.notYet')}</span>}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </section>
  );
}
