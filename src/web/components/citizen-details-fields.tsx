import { useTranslation } from 'react-i18next';
import { ID_TYPES } from '../../shared/id-document.ts';
import { isLanguage, type Language } from '../../shared/limits.ts';
import { LANGUAGE_NAMES } from '../i18n/i18n.ts';
import type { DetailsAnswers } from '../scenes/citizen/booking-state.ts';
import type { DetailsErrors } from '../scenes/citizen/details-validation.ts';
import { Checkboxes } from './checkboxes.tsx';
import { Radios } from './radios.tsx';
import { TextArea, TextField } from './text-field.tsx';

/** The texts that differ between a citizen filling in their own details and an agent taking them down. */
export interface CitizenDetailsHints {
  idType: string;
  email: string;
  phone: string;
  language: string;
  needsLegend: string;
  needs: string;
  otherLabel: string;
  other: string;
}

/** Props of the citizen-details fields. */
export interface CitizenDetailsFieldsProps {
  form: DetailsAnswers;
  set: <K extends keyof DetailsAnswers>(field: K, value: DetailsAnswers[K]) => void;
  /** The translated error of a field, if any. */
  message: (field: keyof DetailsErrors) => string | undefined;
  /** Languages the organisation offers. */
  languages: readonly Language[];
  hints: CitizenDetailsHints;
  /**
   * The citizen's own form lets the browser fill in their name, email and
   * phone; an agent's must not offer the agent's own details or another
   * citizen's.
   */
  personal: boolean;
}

/**
 * The citizen's details — name, identity document, contact, language and
 * accessibility needs — as one set of fields, shared by the citizen's booking
 * and the staff's "new appointment" so both ask the same, the same way.
 */
export function CitizenDetailsFields({ form, set, message, languages, hints, personal }: CitizenDetailsFieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        id="name"
        name="name"
        label={t('details.name.label')}
        value={form.name}
        onChange={(v) => set('name', v)}
        error={message('name')}
        autoComplete={personal ? 'given-name' : 'off'}
        spellCheck={false}
        width="two-thirds"
      />
      <TextField
        id="surnames"
        name="surnames"
        label={t('details.surnames.label')}
        value={form.surnames}
        onChange={(v) => set('surnames', v)}
        error={message('surnames')}
        autoComplete={personal ? 'family-name' : 'off'}
        spellCheck={false}
        width="two-thirds"
      />
      <Radios
        id="idType"
        name="idType"
        legend={t('details.idType.legend')}
        hint={hints.idType}
        error={message('idType')}
        value={form.idType}
        onChange={(v) => {
          const idType = ID_TYPES.find((type) => type === v);
          if (idType) set('idType', idType);
        }}
        options={ID_TYPES.map((type) => ({ value: type, label: t(`details.idType.${type}`) }))}
      />
      <TextField
        id="idNumber"
        name="idNumber"
        label={t('details.idNumber.label')}
        hint={form.idType === '' ? t('details.idNumber.hint') : t(`details.idNumber.hint_${form.idType}`)}
        value={form.idNumber}
        onChange={(v) => set('idNumber', v)}
        error={message('idNumber')}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        width="half"
      />
      <TextField
        id="email"
        name="email"
        type="email"
        label={t('details.email.label')}
        hint={hints.email}
        value={form.email}
        onChange={(v) => set('email', v)}
        error={message('email')}
        autoComplete={personal ? 'email' : 'off'}
        spellCheck={false}
        autoCapitalize="none"
      />
      <TextField
        id="phone"
        name="phone"
        type="tel"
        label={t('details.phone.label')}
        hint={hints.phone}
        value={form.phone}
        onChange={(v) => set('phone', v)}
        error={message('phone')}
        autoComplete={personal ? 'tel' : 'off'}
        width="half"
      />
      <Radios
        id="language"
        name="language"
        legend={t('details.language.legend')}
        hint={hints.language}
        error={message('language')}
        value={form.language}
        onChange={(v) => {
          if (isLanguage(v)) set('language', v);
        }}
        options={languages.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l }))}
      />
      <Checkboxes
        id="needs"
        legend={hints.needsLegend}
        hint={hints.needs}
        items={[
          {
            id: 'signLanguage',
            name: 'signLanguage',
            label: t('details.needs.signLanguage'),
            checked: form.signLanguage,
            onChange: (v) => set('signLanguage', v),
          },
          {
            id: 'needsInterpreter',
            name: 'needsInterpreter',
            label: t('details.needs.interpreter'),
            checked: form.needsInterpreter,
            onChange: (v) => set('needsInterpreter', v),
            conditional: (
              <TextField
                id="interpreterLanguage"
                name="interpreterLanguage"
                label={t('details.needs.interpreterLanguage')}
                value={form.interpreterLanguage}
                onChange={(v) => set('interpreterLanguage', v)}
                error={message('interpreterLanguage')}
                width="two-thirds"
              />
            ),
          },
          {
            id: 'hasOtherNeeds',
            name: 'hasOtherNeeds',
            label: t('details.needs.other'),
            checked: form.hasOtherNeeds,
            onChange: (v) => set('hasOtherNeeds', v),
            conditional: (
              <TextArea
                id="otherNeeds"
                name="otherNeeds"
                label={hints.otherLabel}
                hint={hints.other}
                value={form.otherNeeds}
                onChange={(v) => set('otherNeeds', v)}
                error={message('otherNeeds')}
              />
            ),
          },
        ]}
      />
    </>
  );
}
