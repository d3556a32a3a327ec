/**
 * A procedure's settings, to create one or change it: code, name and
 * description in each enabled language, length, buffer, notice and how far
 * ahead it can be booked, channels, the ENI metadata (SIA code,
 * classification) and which case-management connector receives its
 * evidence. Checked here with the API's own schema, then by the API.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DELIVERY_CONNECTORS, procedureInput, type AdminProcedure, type ProcedureInput } from '../../../../shared/catalogue-admin.ts';
import { LANGUAGES } from '../../../../shared/limits.ts';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { TextArea, TextField } from '../../../components/text-field.tsx';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { fieldId, issueMessages, zodIssues } from './admin-issues.ts';
import { useAdminSubmit } from './use-admin-submit.ts';

type Texts = Record<string, string>;

/** What the form holds while the person types (numbers as typed). */
interface Draft {
  code: string;
  name: Texts;
  description: Texts;
  durationMinutes: string;
  bufferMinutes: string;
  minNoticeHours: string;
  maxAdvanceDays: string;
  channels: ('video' | 'in_person')[];
  siaCode: string;
  classification: string;
  deliveryConnector: ProcedureInput['deliveryConnector'];
}

const NUMBER_FIELDS = ['durationMinutes', 'bufferMinutes', 'minNoticeHours', 'maxAdvanceDays'] as const;

function draftOf(p: AdminProcedure | null): Draft {
  return {
    code: p?.code ?? '',
    name: { ...(p?.name ?? {}) },
    description: { ...(p?.description ?? {}) },
    durationMinutes: String(p?.durationMinutes ?? 20),
    bufferMinutes: String(p?.bufferMinutes ?? 5),
    minNoticeHours: String(p?.minNoticeHours ?? 24),
    maxAdvanceDays: String(p?.maxAdvanceDays ?? 60),
    channels: p?.channels ?? ['video'],
    siaCode: p?.siaCode ?? '',
    classification: p?.classification ?? '',
    deliveryConnector: p?.deliveryConnector ?? 'none',
  };
}

/** A whole number as typed, or NaN (the schema then says so). */
function wholeNumber(text: string): number {
  return /^\s*\d{1,6}\s*$/.test(text) ? Number(text) : Number.NaN;
}

function inputOf(d: Draft): ProcedureInput {
  return {
    code: d.code.trim(),
    name: d.name,
    description: d.description,
    durationMinutes: wholeNumber(d.durationMinutes),
    bufferMinutes: wholeNumber(d.bufferMinutes),
    minNoticeHours: wholeNumber(d.minNoticeHours),
    maxAdvanceDays: wholeNumber(d.maxAdvanceDays),
    channels: d.channels,
    siaCode: d.siaCode.trim(),
    classification: d.classification.trim(),
    deliveryConnector: d.deliveryConnector,
  };
}

/** Props of {@link ProcedureDetailsForm}. */
export interface ProcedureDetailsFormProps {
  /** The procedure to change; null to create one. */
  procedure: AdminProcedure | null;
  submitLabel: string;
  /** Sends the settings; throws the API's error on refusal. */
  onSubmit: (input: ProcedureInput) => Promise<void>;
}

/** The settings form. */
export function ProcedureDetailsForm({ procedure, submitLabel, onSubmit }: ProcedureDetailsFormProps) {
  const { t } = useTranslation();
  const organisation = useOrganisation();
  const enabled = LANGUAGES.filter((l) => organisation.languages.includes(l));
  const [draft, setDraft] = useState<Draft>(() => draftOf(procedure));
  const { issues, busy, submits, run, summary } = useAdminSubmit();

  const label = (path: string): string => {
    const [head, lang] = path.split('.');
    if ((head === 'name' || head === 'description') && lang) return t(`admin.procedure.${head}In`, { language: t(`admin.languages.${lang}`) });
    return t(`admin.procedure.${head ?? path}`);
  };
  const messages = issueMessages(issues, t, label);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = inputOf(draft);
    const missing = enabled.flatMap((lang) => (['name', 'description'] as const).filter((k) => !input[k][lang]?.trim()).map((k) => ({ path: `${k}.${lang}`, code: 'required' })));
    const parsed = procedureInput.safeParse(input);
    await run([...missing, ...(parsed.success ? [] : zodIssues(parsed.error))], () => onSubmit(input));
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-form">
      <ErrorSummary errors={summary(messages)} focusKey={submits} />
      <TextField
        id={fieldId('code')}
        name="code"
        label={t('admin.procedure.code')}
        hint={t('admin.procedure.codeHint')}
        value={draft.code}
        onChange={(v) => set('code', v)}
        error={messages.code}
        width="half"
        spellCheck={false}
        autoCapitalize="none"
        maxLength={40}
      />
      {enabled.map((lang) => (
        <TextField
          key={`name-${lang}`}
          id={fieldId(`name.${lang}`)}
          name={`name.${lang}`}
          label={label(`name.${lang}`)}
          value={draft.name[lang] ?? ''}
          onChange={(v) => set('name', { ...draft.name, [lang]: v })}
          error={messages[`name.${lang}`]}
          maxLength={120}
        />
      ))}
      {enabled.map((lang) => (
        <TextArea
          key={`description-${lang}`}
          id={fieldId(`description.${lang}`)}
          name={`description.${lang}`}
          label={label(`description.${lang}`)}
          hint={lang === enabled[0] ? t('admin.procedure.descriptionHint') : undefined}
          value={draft.description[lang] ?? ''}
          onChange={(v) => set('description', { ...draft.description, [lang]: v })}
          error={messages[`description.${lang}`]}
          maxLength={1000}
          rows={3}
        />
      ))}
      <div className="admin-form__row">
        {NUMBER_FIELDS.map((key) => (
          <TextField
            key={key}
            id={fieldId(key)}
            name={key}
            label={t(`admin.procedure.${key}`)}
            hint={t(`admin.procedure.${key}Hint`)}
            value={draft[key]}
            onChange={(v) => set(key, v)}
            error={messages[key]}
            inputMode="numeric"
            width="quarter"
            maxLength={6}
          />
        ))}
      </div>
      <Checkboxes
        id={fieldId('channels')}
        legend={t('admin.procedure.channels')}
        error={messages.channels}
        items={(['video', 'in_person'] as const).map((channel, i) => ({
          id: i === 0 ? fieldId('channels') : `${fieldId('channels')}-${channel}`,
          name: 'channels',
          label: t(`admin.procedure.channel.${channel}`),
          checked: draft.channels.includes(channel),
          onChange: (checked: boolean) => set('channels', checked ? [...draft.channels.filter((c) => c !== channel), channel] : draft.channels.filter((c) => c !== channel)),
        }))}
      />
      <h3 className="heading-s">{t('admin.procedure.eniHeading')}</h3>
      <TextField id={fieldId('siaCode')} name="siaCode" label={t('admin.procedure.siaCode')} hint={t('admin.procedure.siaCodeHint')} value={draft.siaCode} onChange={(v) => set('siaCode', v)} error={messages.siaCode} inputMode="numeric" width="quarter" maxLength={10} />
      <TextField id={fieldId('classification')} name="classification" label={t('admin.procedure.classification')} hint={t('admin.procedure.classificationHint')} value={draft.classification} onChange={(v) => set('classification', v)} error={messages.classification} width="half" maxLength={60} />
      <StaffSelect
        id={fieldId('deliveryConnector')}
        name="deliveryConnector"
        label={t('admin.procedure.deliveryConnector')}
        hint={t('admin.procedure.deliveryConnectorHint')}
        value={draft.deliveryConnector}
        onChange={(v) => set('deliveryConnector', v as Draft['deliveryConnector'])}
        error={messages.deliveryConnector}
        options={DELIVERY_CONNECTORS.map((c) => ({ value: c, label: t(`admin.procedure.connector.${c}`) }))}
      />
      <button type="submit" className="button" aria-disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
