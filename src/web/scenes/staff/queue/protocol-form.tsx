/**
 * Step 4 on the agent's screen: the procedure's registry form, field by
 * field as the catalogue defines it. What the agent types is saved as a
 * draft a moment after they stop typing (and when they leave a field), and
 * the citizen's screen shows each save, read-only. The server checks every
 * save; a refused field shows its message beside it and nothing is lost
 * from the inputs.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FormFieldView, FormView, ProtocolView } from '../../../../shared/protocol.ts';
import { ApiError } from '../../../api/client.ts';
import { saveProtocolForm, type FormInput } from '../../../api/protocol-api.ts';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Radios } from '../../../components/radios.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { ADDRESS_PARTS, emptyAddress, fieldErrors, formInput, typedForm, type AddressPart, type TypedForm, type TypedValue } from './protocol-values.ts';

/** How long after the last keystroke the draft is saved. */
const SAVE_AFTER_MS = 700;

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'error'; text: string };

/** Props of {@link ProtocolForm}. */
export interface ProtocolFormProps {
  appointmentId: string;
  csrfToken: string;
  form: FormView;
  /** Told of the protocol after each save. */
  onSaved: (view: ProtocolView) => void;
  /** Gives the parent a way to read what is typed now (to register exactly that). */
  bind: (read: () => FormInput) => void;
  /** Field errors the parent received when registering. */
  errors: Record<string, string>;
}

/** One address field: a group of inputs. */
function AddressInputs({ field, value, error, onChange }: { field: FormFieldView; value: Record<AddressPart, string>; error?: string | undefined; onChange: (v: Record<AddressPart, string>) => void }) {
  const { t } = useTranslation();
  const errorId = error ? `pf-${field.key}-error` : undefined;
  return (
    <div className={error ? 'form-group form-group--error' : 'form-group'}>
      <fieldset className="fieldset" aria-describedby={errorId}>
        <legend className="fieldset__legend">
          {field.label}
          {field.required ? null : ` ${t('protocol.form.optional')}`}
        </legend>
        {field.help ? <div className="hint">{field.help}</div> : null}
        {error && errorId ? <ErrorMessage id={errorId} message={error} /> : null}
        {ADDRESS_PARTS.map((part, i) => (
          <TextField
            key={part}
            id={i === 0 ? `pf-${field.key}` : `pf-${field.key}-${part}`}
            name={`${field.key}.${part}`}
            label={t(`protocol.form.address.${part}`)}
            value={value[part]}
            onChange={(v) => onChange({ ...value, [part]: v })}
            width={part === 'street' || part === 'municipality' ? 'two-thirds' : 'quarter'}
            inputMode={part === 'postcode' ? 'numeric' : 'text'}
            maxLength={part === 'street' || part === 'municipality' ? 120 : part === 'postcode' ? 5 : 10}
          />
        ))}
      </fieldset>
    </div>
  );
}

/** One field, by its type (also the live preview of the administration console's form builder). */
export function FieldInput({ field, value, error, onChange }: { field: FormFieldView; value: TypedValue; error?: string | undefined; onChange: (v: TypedValue) => void }) {
  const { t } = useTranslation();
  const id = `pf-${field.key}`;
  const label = field.required ? field.label : `${field.label} ${t('protocol.form.optional')}`;
  const hint = field.help ?? undefined;
  if (field.type === 'address') {
    return <AddressInputs field={field} value={typeof value === 'string' ? emptyAddress() : value} error={error} onChange={onChange} />;
  }
  const text = typeof value === 'string' ? value : '';
  if (field.type === 'yes_no') {
    return (
      <Radios
        id={id}
        name={field.key}
        legend={label}
        hint={hint}
        error={error}
        small
        value={text}
        onChange={onChange}
        options={[
          { value: 'yes', label: t('protocol.form.yes') },
          { value: 'no', label: t('protocol.form.no') },
        ]}
      />
    );
  }
  if (field.type === 'choice') {
    return (
      <StaffSelect
        id={id}
        name={field.key}
        label={label}
        hint={hint}
        error={error}
        value={text}
        onChange={onChange}
        options={[{ value: '', label: t('protocol.form.choose') }, ...(field.choices ?? []).map((c) => ({ value: c.value, label: c.label }))]}
      />
    );
  }
  return (
    <TextField
      id={id}
      name={field.key}
      label={label}
      hint={field.type === 'date' ? (hint ?? t('protocol.form.dateHint')) : hint}
      error={error}
      value={text}
      onChange={onChange}
      type={field.type === 'date' ? 'date' : 'text'}
      inputMode={field.type === 'number' ? 'decimal' : 'text'}
      width={field.type === 'number' ? 'quarter' : field.type === 'date' ? 'half' : 'full'}
      maxLength={field.type === 'text' ? 4000 : undefined}
    />
  );
}

/** The form, saved as the agent types. */
export function ProtocolForm({ appointmentId, csrfToken, form, onSaved, bind, errors }: ProtocolFormProps) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState<TypedForm>(() => typedForm(form.fields));
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'idle' });
  const [saveErrors, setSaveErrors] = useState<Record<string, string>>({});
  const latest = useRef(typed);
  const timer = useRef<number | null>(null);
  const dirty = useRef(false);
  const inFlight = useRef(false);
  const fields = form.fields;

  useEffect(() => {
    latest.current = typed;
  });
  useEffect(() => bind(() => formInput(fields, latest.current)), [bind, fields]);

  const save = useCallback(async () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    if (!dirty.current) return;
    if (inFlight.current) {
      // One save at a time; the next one carries everything typed meanwhile.
      timer.current = window.setTimeout(() => void save(), SAVE_AFTER_MS);
      return;
    }
    dirty.current = false;
    inFlight.current = true;
    setSaveState({ kind: 'saving' });
    try {
      const view = await saveProtocolForm(appointmentId, formInput(fields, latest.current), csrfToken);
      setSaveErrors({});
      setSaveState({ kind: 'saved', at: view.form.savedAt ?? new Date().toISOString() });
      onSaved(view);
    } catch (error) {
      if (error instanceof ApiError && error.id === 'validation_failed') {
        setSaveErrors(fieldErrors(error.details));
        setSaveState({ kind: 'error', text: t('protocol.form.notSavedFields') });
      } else {
        dirty.current = true;
        setSaveState({ kind: 'error', text: error instanceof ApiError && error.hasServerMessage ? error.message : t('protocol.form.notSaved') });
      }
    } finally {
      inFlight.current = false;
    }
  }, [appointmentId, csrfToken, fields, onSaved, t]);

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );

  const change = (key: string, value: TypedValue) => {
    setTyped((previous) => ({ ...previous, [key]: value }));
    dirty.current = true;
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void save(), SAVE_AFTER_MS);
  };

  const shown = { ...saveErrors, ...errors };
  const time = saveState.kind === 'saved' ? new Date(saveState.at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '';
  return (
    <div
      className="protocol-form"
      onBlur={() => {
        // Leaving a field saves at once (the citizen sees it while the agent reads it out) — after the event that
        // moved the focus, so that the click on the next field (a radio) is handled before this page re-renders.
        if (!dirty.current) return;
        if (timer.current !== null) window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => void save(), 0);
      }}
    >
      {fields.map((field) => (
        <FieldInput key={field.key} field={field} value={typed[field.key] ?? ''} error={shown[field.key]} onChange={(v) => change(field.key, v)} />
      ))}
      <p className={saveState.kind === 'error' ? 'body protocol-form__state protocol-form__state--error' : 'body protocol-form__state'} role="status" data-testid="protocol-save-state">
        {saveState.kind === 'saving' ? t('protocol.form.saving') : null}
        {saveState.kind === 'saved' ? t('protocol.form.saved', { time }) : null}
        {saveState.kind === 'error' ? saveState.text : null}
      </p>
    </div>
  );
}
