/** A radio group in a fieldset with legend, hint and inline error (GOV.UK radios). */
import type { ReactNode } from 'react';
import { describedBy, ErrorMessage } from './error-message.tsx';
import { HeadingShell } from './page-heading.tsx';

/** One choice of a radio group. */
export interface RadioOption {
  value: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Language of the label when it differs from the page's (e.g. "Castellano"). */
  lang?: string;
}

/** A labelled sub-group of options, shown under a small heading (e.g. a month). */
export interface RadioGroup {
  key: string;
  heading: string;
  options: readonly RadioOption[];
}

/** Props of {@link Radios}. */
export interface RadiosProps {
  /** Id of the first radio (error summaries link to it); the others get `-2`, `-3`… */
  id: string;
  name: string;
  legend: ReactNode;
  /** Legend styled and marked up as the page heading. */
  legendAsHeading?: boolean;
  /** Small caption above a heading legend. */
  caption?: string | undefined;
  hint?: ReactNode;
  error?: string | undefined;
  value: string;
  onChange: (value: string) => void;
  options?: readonly RadioOption[];
  groups?: readonly RadioGroup[];
  /** Called with each option's input element, e.g. to focus newly loaded options. */
  inputRef?: (value: string, element: HTMLInputElement | null) => void;
  small?: boolean;
  /** Extra content inside the fieldset, after the options (e.g. a loading message). */
  children?: ReactNode;
}

/** Radios; `options` or `groups` (grouped options share one fieldset). */
export function Radios(props: RadiosProps) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const errorId = props.error ? `${props.id}-error` : undefined;
  let index = 0;
  const renderOption = (option: RadioOption) => {
    index += 1;
    const inputId = index === 1 ? props.id : `${props.id}-${index}`;
    const optionHintId = option.hint ? `${inputId}-item-hint` : undefined;
    return (
      <div className="radios__item" key={option.value}>
        <input
          id={inputId}
          ref={props.inputRef ? (el) => props.inputRef?.(option.value, el) : undefined}
          className="radios__input"
          type="radio"
          name={props.name}
          value={option.value}
          checked={props.value === option.value}
          onChange={() => props.onChange(option.value)}
          aria-describedby={optionHintId}
        />
        <label className="radios__label" htmlFor={inputId} lang={option.lang}>
          {option.label}
        </label>
        {option.hint ? (
          <div id={optionHintId} className="hint radios__hint">
            {option.hint}
          </div>
        ) : null}
      </div>
    );
  };
  return (
    <div className={props.error ? 'form-group form-group--error' : 'form-group'}>
      <fieldset className="fieldset" aria-describedby={describedBy(hintId, errorId)}>
        <legend className={props.legendAsHeading ? 'fieldset__legend fieldset__legend--l' : 'fieldset__legend'}>
          {props.legendAsHeading ? (
            <HeadingShell className="fieldset__heading">
              {props.caption ? <span className="caption">{props.caption}</span> : null}
              {props.legend}
            </HeadingShell>
          ) : (
            props.legend
          )}
        </legend>
        {props.hint ? (
          <div id={hintId} className="hint">
            {props.hint}
          </div>
        ) : null}
        {props.error && errorId ? <ErrorMessage id={errorId} message={props.error} /> : null}
        {props.groups ? (
          props.groups.map((group) => (
            <div key={group.key} className="radios__group">
              <h2 className="heading-s radios__group-heading">{group.heading}</h2>
              <div className={props.small ? 'radios radios--small' : 'radios'}>{group.options.map(renderOption)}</div>
            </div>
          ))
        ) : (
          <div className={props.small ? 'radios radios--small' : 'radios'}>{(props.options ?? []).map(renderOption)}</div>
        )}
        {props.children}
      </fieldset>
    </div>
  );
}
