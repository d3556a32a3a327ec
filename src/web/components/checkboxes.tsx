/** Checkboxes in a fieldset, each optionally revealing a follow-up question (GOV.UK checkboxes). */
import type { ReactNode } from 'react';
import { describedBy, ErrorMessage } from './error-message.tsx';

/** One checkbox. */
export interface CheckboxItem {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** Shown under the checkbox while it is ticked. */
  conditional?: ReactNode;
}

/** Props of {@link Checkboxes}. */
export interface CheckboxesProps {
  id: string;
  legend: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  items: readonly CheckboxItem[];
}

/** A group of checkboxes. */
export function Checkboxes({ id, legend, hint, error, items }: CheckboxesProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={error ? 'form-group form-group--error' : 'form-group'}>
      <fieldset className="fieldset" aria-describedby={describedBy(hintId, errorId)}>
        <legend className="fieldset__legend fieldset__legend--m">{legend}</legend>
        {hint ? (
          <div id={hintId} className="hint">
            {hint}
          </div>
        ) : null}
        {error && errorId ? <ErrorMessage id={errorId} message={error} /> : null}
        <div className="checkboxes">
          {items.map((item) => {
            const itemHintId = item.hint ? `${item.id}-item-hint` : undefined;
            const conditionalId = item.conditional ? `${item.id}-conditional` : undefined;
            return (
              <div key={item.id}>
                <div className="checkboxes__item">
                  <input
                    id={item.id}
                    name={item.name}
                    type="checkbox"
                    className="checkboxes__input"
                    checked={item.checked}
                    onChange={(event) => item.onChange(event.target.checked)}
                    aria-describedby={itemHintId}
                    aria-controls={item.checked ? conditionalId : undefined}
                  />
                  <label className="checkboxes__label" htmlFor={item.id}>
                    {item.label}
                  </label>
                  {item.hint ? (
                    <div id={itemHintId} className="hint checkboxes__hint">
                      {item.hint}
                    </div>
                  ) : null}
                </div>
                {item.conditional && item.checked ? (
                  <div id={conditionalId} className="conditional">
                    {item.conditional}
                  </div>
                ) : null}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
