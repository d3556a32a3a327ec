/** A labelled native select with hint and inline error (GOV.UK select), for the staff pages. */
import { describedBy, ErrorMessage } from './error-message.tsx';

/** One option of a {@link StaffSelect}. */
export interface SelectOption {
  value: string;
  label: string;
}

/** Props of {@link StaffSelect}. */
export interface StaffSelectProps {
  id: string;
  name: string;
  label: string;
  value: string;
  options: readonly SelectOption[];
  onChange: (value: string) => void;
  hint?: string | undefined;
  error?: string | undefined;
  /** Laid out beside other controls (a filter bar) rather than stacked. */
  inline?: boolean;
}

/** A native `<select>`: keyboard, screen readers and phones handle it best. */
export function StaffSelect(props: StaffSelectProps) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const errorId = props.error ? `${props.id}-error` : undefined;
  const classes = ['form-group', props.error ? 'form-group--error' : '', props.inline ? 'form-group--inline' : ''].filter(Boolean);
  return (
    <div className={classes.join(' ')}>
      <label htmlFor={props.id} className="label">
        {props.label}
      </label>
      {props.hint ? (
        <div id={hintId} className="hint">
          {props.hint}
        </div>
      ) : null}
      {props.error && errorId ? <ErrorMessage id={errorId} message={props.error} /> : null}
      <select
        id={props.id}
        name={props.name}
        className={`select${props.error ? ' input--error' : ''}`}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        aria-describedby={describedBy(hintId, errorId)}
        aria-invalid={props.error ? true : undefined}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
