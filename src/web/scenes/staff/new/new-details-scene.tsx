/**
 * "New appointment", step 4: the citizen's details, as the agent takes them
 * down (by phone or at the desk). Same fields and checks as the citizen's own
 * form (`validateDetails`), worded for the agent. The server's field errors
 * come back here from the check page.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ID_TYPES, normaliseIdNumber } from '../../../../shared/id-document.ts';
import { isLanguage, LANGUAGES, LIMITS } from '../../../../shared/limits.ts';
import { BackLink } from '../../../components/back-link.tsx';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { Radios } from '../../../components/radios.tsx';
import { TextArea, TextField } from '../../../components/text-field.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { LANGUAGE_NAMES } from '../../../i18n/i18n.ts';
import { emptyDetails, type DetailsAnswers } from '../../citizen/booking-state.ts';
import { DETAILS_FIELDS, INTERPRETER_LANGUAGE_MAX, validateDetails, type DetailsErrors } from '../../citizen/details-validation.ts';
import { useStaffPageTitle } from '../staff-session.ts';
import { NEW_BASE, useStaffBooking } from './new-booking-state.ts';

const MAX_BY_FIELD: Record<string, number> = {
  name: LIMITS.nameMax,
  surnames: LIMITS.surnamesMax,
  email: LIMITS.emailMax,
  phone: LIMITS.phoneMax,
  interpreterLanguage: INTERPRETER_LANGUAGE_MAX,
  otherNeeds: LIMITS.otherNeedsMax,
};

/** Router state with which the check page hands back the server's field errors. */
export interface StaffDetailsLocationState {
  serverErrors: DetailsErrors;
}

function isServerErrors(value: unknown): value is StaffDetailsLocationState {
  return typeof value === 'object' && value !== null && 'serverErrors' in value;
}

/** The citizen's details page. */
export function NewDetailsScene() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const uiLanguage = useLanguage();
  const organisation = useOrganisation();
  const [booking, updateBooking] = useStaffBooking();
  const [form, setForm] = useState<DetailsAnswers>(() => booking.details ?? emptyDetails(uiLanguage));
  const [errors, setErrors] = useState<DetailsErrors>(() => (isServerErrors(location.state) ? location.state.serverErrors : {}));
  const [submits, setSubmits] = useState(0);
  useStaffPageTitle(t('staff.citizen.title'), Object.keys(errors).length > 0);

  if (!booking.procedureId || !booking.channel) return <Navigate to={NEW_BASE} replace />;
  if (!booking.slot) return <Navigate to={`${NEW_BASE}/date`} replace />;

  const message = (field: keyof DetailsErrors): string | undefined => {
    const code = errors[field];
    if (!code) return undefined;
    const key = `staff.citizen.errors.${field}.${code}`;
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
    updateBooking({
      details: {
        ...form,
        name: form.name.trim(),
        surnames: form.surnames.trim(),
        idNumber: normaliseIdNumber(form.idNumber),
        email: form.email.trim(),
        phone: form.phone.trim(),
        interpreterLanguage: form.needsInterpreter ? form.interpreterLanguage.trim() : '',
        otherNeeds: form.hasOtherNeeds ? form.otherNeeds.trim() : '',
      },
    });
    void navigate(`${NEW_BASE}/check`);
  };

  const languages = LANGUAGES.filter((l) => organisation.languages.includes(l));
  const summary = DETAILS_FIELDS.flatMap((field) => {
    const text = message(field);
    return text ? [{ message: text, fieldId: field }] : [];
  });

  return (
    <>
      <BackLink to={`${NEW_BASE}/time`} />
      <ErrorSummary errors={summary} focusKey={submits} />
      <PageHeading caption={t('staff.new.caption')}>{t('staff.citizen.title')}</PageHeading>
      <p className="body">{t('staff.citizen.intro')}</p>
      <form onSubmit={submit} noValidate>
        <TextField
          id="name"
          name="name"
          label={t('details.name.label')}
          value={form.name}
          onChange={(v) => set('name', v)}
          error={message('name')}
          autoComplete="off"
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
          autoComplete="off"
          spellCheck={false}
          width="two-thirds"
        />
        <Radios
          id="idType"
          name="idType"
          legend={t('details.idType.legend')}
          hint={t('staff.citizen.idTypeHint')}
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
          hint={t('staff.citizen.emailHint')}
          value={form.email}
          onChange={(v) => set('email', v)}
          error={message('email')}
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="none"
        />
        <TextField
          id="phone"
          name="phone"
          type="tel"
          label={t('details.phone.label')}
          hint={t('staff.citizen.phoneHint')}
          value={form.phone}
          onChange={(v) => set('phone', v)}
          error={message('phone')}
          autoComplete="off"
          width="half"
        />
        <Radios
          id="language"
          name="language"
          legend={t('details.language.legend')}
          hint={t('staff.citizen.languageHint')}
          error={message('language')}
          value={form.language}
          onChange={(v) => {
            if (isLanguage(v)) set('language', v);
          }}
          options={languages.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l }))}
        />
        <Checkboxes
          id="needs"
          legend={t('staff.citizen.needsLegend')}
          hint={t('staff.citizen.needsHint')}
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
                  label={t('staff.citizen.otherLabel')}
                  hint={t('staff.citizen.otherHint', { max: LIMITS.otherNeedsMax })}
                  value={form.otherNeeds}
                  onChange={(v) => set('otherNeeds', v)}
                  error={message('otherNeeds')}
                />
              ),
            },
          ]}
        />
        <button type="submit" className="button">
          {t('common.continue')}
        </button>
      </form>
    </>
  );
}
