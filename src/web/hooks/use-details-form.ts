import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { LANGUAGES } from '../../shared/limits.ts';
import { emptyDetails, type DetailsAnswers } from '../scenes/citizen/booking-state.ts';
import {
  cleanDetails,
  DETAILS_FIELDS,
  isDetailsLocationState,
  MAX_BY_FIELD,
  validateDetails,
  type DetailsErrors,
} from '../scenes/citizen/details-validation.ts';
import { useLanguage } from './use-language.ts';
import { useOrganisation } from './use-organisation.ts';

/**
 * The state and rules of a citizen-details form, shared by the citizen's
 * booking and the staff's "new appointment": answers, field errors (the
 * server's come back through router state from the check page), translated
 * messages under `errorPrefix`, the error summary, and a submit that checks,
 * cleans and hands the answers to `onValid`.
 */
export function useDetailsForm(initial: DetailsAnswers | null | undefined, errorPrefix: string, onValid: (details: DetailsAnswers) => void) {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const uiLanguage = useLanguage();
  const organisation = useOrganisation();
  const [form, setForm] = useState<DetailsAnswers>(() => initial ?? emptyDetails(uiLanguage));
  const [errors, setErrors] = useState<DetailsErrors>(() => (isDetailsLocationState(location.state) ? location.state.serverErrors : {}));
  const [submits, setSubmits] = useState(0);

  const message = (field: keyof DetailsErrors): string | undefined => {
    const code = errors[field];
    if (!code) return undefined;
    const key = `${errorPrefix}.${field}.${code}`;
    return i18n.exists(key) ? t(key, { max: MAX_BY_FIELD[field] ?? 0 }) : t('details.errors.invalid');
  };
  const set = <K extends keyof DetailsAnswers>(field: K, value: DetailsAnswers[K]) => {
    setForm((previous) => ({ ...previous, [field]: value }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateDetails(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setSubmits((n) => n + 1);
      return;
    }
    onValid(cleanDetails(form));
  };
  const summary = DETAILS_FIELDS.flatMap((field) => {
    const text = message(field);
    return text ? [{ message: text, fieldId: field }] : [];
  });
  return {
    form,
    set,
    message,
    submit,
    summary,
    submits,
    hasErrors: Object.keys(errors).length > 0,
    languages: LANGUAGES.filter((l) => organisation.languages.includes(l)),
  };
}
