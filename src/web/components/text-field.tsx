/** Labelled text inputs and text areas with hint and inline error (GOV.UK text input). */
import type { ChangeEvent, HTMLInputAutoCompleteAttribute, ReactNode } from 'react';
import { describedBy, ErrorMessage } from './error-message.tsx';
import { HeadingShell } from './page-heading.tsx';

/** Props of {@link TextField}. */
export interface TextFieldProps {
  id: string;
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string | undefined;
  error?: string | undefined;
  type?: 'text' | 'email' | 'tel' | 'password' | 'date';
  autoComplete?: HTMLInputAutoCompleteAttribute;
  inputMode?: 'text' | 'email' | 'tel' | 'numeric' | 'decimal';
  spellCheck?: boolean;
  autoCapitalize?: 'none' | 'words' | 'characters' | 'sentences';
  maxLength?: number;
  /** Visual width class: a short field hints at a short answer. */
  width?: 'full' | 'two-thirds' | 'half' | 'quarter';
  /** Label styled as the page heading (one-question pages). */
  labelAsHeading?: boolean;
  /** Extra content after the input (e.g. a "show password" button). */
  after?: ReactNode;
}

/** A single-line text input. */
export function TextField(props: TextFieldProps) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const errorId = props.error ? `${props.id}-error` : undefined;
  const label = (
    <label htmlFor={props.id} className={props.labelAsHeading ? 'label label--l' : 'label'}>
      {props.label}
    </label>
  );
  return (
    <div className={props.error ? 'form-group form-group--error' : 'form-group'}>
      {props.labelAsHeading ? <HeadingShell className="label-wrapper">{label}</HeadingShell> : label}
      {props.hint ? (
        <div id={hintId} className="hint">
          {props.hint}
        </div>
      ) : null}
      {props.error && errorId ? <ErrorMessage id={errorId} message={props.error} /> : null}
      <div className="input-row">
        <input
          id={props.id}
          name={props.name}
          type={props.type ?? 'text'}
          className={`input input--${props.width ?? 'full'}${props.error ? ' input--error' : ''}`}
          value={props.value}
          onChange={(event: ChangeEvent<HTMLInputElement>) => props.onChange(event.target.value)}
          aria-describedby={describedBy(hintId, errorId)}
          aria-invalid={props.error ? true : undefined}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          spellCheck={props.spellCheck}
          autoCapitalize={props.autoCapitalize}
          maxLength={props.maxLength}
        />
        {props.after}
      </div>
    </div>
  );
}

/** Props of {@link TextArea}. */
export interface TextAreaProps {
  id: string;
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string | undefined;
  error?: string | undefined;
  maxLength?: number;
  rows?: number;
}

/** A multi-line text input. */
export function TextArea(props: TextAreaProps) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const errorId = props.error ? `${props.id}-error` : undefined;
  return (
    <div className={props.error ? 'form-group form-group--error' : 'form-group'}>
      <label htmlFor={props.id} className="label">
        {props.label}
      </label>
      {props.hint ? (
        <div id={hintId} className="hint">
          {props.hint}
        </div>
      ) : null}
      {props.error && errorId ? <ErrorMessage id={errorId} message={props.error} /> : null}
      <textarea
        id={props.id}
        name={props.name}
        className={`textarea${props.error ? ' input--error' : ''}`}
        rows={props.rows ?? 5}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        aria-describedby={describedBy(hintId, errorId)}
        aria-invalid={props.error ? true : undefined}
        maxLength={props.maxLength}
      />
    </div>
  );
}
