/** Booking step 5: the citizen's details, identity document, contact, language and accessibility needs. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate, useParams } from 'react-router';
import { ID_TYPES, normaliseIdNumber } from '../../../shared/id-document.ts';
import { isLanguage, LANGUAGES, LIMITS } from '../../../shared/limits.ts';
import { BackLink } from '../../components/back-link.tsx';
import { Checkboxes } from '../../components/checkboxes.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { Radios } from '../../components/radios.tsx';
import { TextArea, TextField } from '../../components/text-field.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { useOrganisation } from '../../hooks/use-organisation.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { LANGUAGE_NAMES } from '../../i18n/i18n.ts';
import { emptyDetails, useBooking, type DetailsAnswers } from './booking-state.ts';
import { DETAILS_FIELDS, INTERPRETER_LANGUAGE_MAX, validateDetails, type DetailsErrors } from './details-validation.ts';

const MAX_BY_FIELD: Record<string, number> = {
  name: LIMITS.nameMax,
  surnames: LIMITS.surnamesMax,
  email: LIMITS.emailMax,
  phone: LIMITS.phoneMax,
  interpreterLanguage: INTERPRETER_LANGUAGE_MAX,
  otherNeeds: LIMITS.otherNeedsMax,
};

/** Router state with which "check your answers" hands back the server's field errors. */
export interface DetailsLocationState {
  serverErrors: DetailsErrors;
}

function isDetailsLocationState(value: unknown): value is DetailsLocationState {
  return typeof value === 'object' && value !== null && 'serverErrors' in value;
}

/** The details page. */
export function DetailsScene() {
  const { t, i18n } = useTranslation();
  const { procedureId = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const uiLanguage = useLanguage();
  const organisation = useOrganisation();
  const [booking, updateBooking] = useBooking();
  const [form, setForm] = useState<DetailsAnswers>(() => booking.details ?? emptyDetails(uiLanguage));
  const [errors, setErrors] = useState<DetailsErrors>(() =>
    isDetailsLocationState(location.state) ? location.state.serverErrors : {},
  );
  const [submits, setSubmits] = useState(0);
  const hasErrors = Object.keys(errors).length > 0;
  usePageTitle(t('details.title'), hasErrors);

  const base = `/book/${encodeURIComponent(procedureId)}`;
  if (booking.procedureId !== procedureId || !booking.slot) return <Navigate to={`${base}/date`} replace />;

  const message = (field: string): string | undefined => {
    const code = errors[field as keyof DetailsErrors];
    if (!code) return undefined;
    const key = `details.errors.${field}.${code}`;
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
    const cleaned: DetailsAnswers = {
      ...form,
      name: form.name.trim(),
      surnames: form.surnames.trim(),
      idNumber: normaliseIdNumber(form.idNumber),
      email: form.email.trim(),
      phone: form.phone.trim(),
      interpreterLanguage: form.needsInterpreter ? form.interpreterLanguage.trim() : '',
      otherNeeds: form.hasOtherNeeds ? form.otherNeeds.trim() : '',
    };
    updateBooking({ details: cleaned });
    void navigate(`${base}/check`);
  };

  const idHint =
    form.idType === '' ? t('details.idNumber.hint') : t(`details.idNumber.hint_${form.idType}`);
  const languages = LANGUAGES.filter((l) => organisation.languages.includes(l));
  const summary = DETAILS_FIELDS.flatMap((field) => {
    const text = message(field);
    return text ? [{ message: text, fieldId: field }] : [];
  });

  return (
    <>
      <BackLink to={`${base}/time`} />
      <ErrorSummary errors={summary} focusKey={submits} />
      <PageHeading>{t('details.title')}</PageHeading>
      <p className="body">{t('details.intro')}</p>
      <form onSubmit={submit} noValidate>
        <TextField
          id="name"
          name="name"
          label={t('details.name.label')}
          value={form.name}
          onChange={(v) => set('name', v)}
          error={message('name')}
          autoComplete="given-name"
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
          autoComplete="family-name"
          spellCheck={false}
          width="two-thirds"
        />
        <Radios
          id="idType"
          name="idType"
          legend={t('details.idType.legend')}
          hint={t('details.idType.hint')}
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
          hint={idHint}
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
          hint={t('details.email.hint')}
          value={form.email}
          onChange={(v) => set('email', v)}
          error={message('email')}
          autoComplete="email"
          spellCheck={false}
          autoCapitalize="none"
        />
        <TextField
          id="phone"
          name="phone"
          type="tel"
          label={t('details.phone.label')}
          hint={t('details.phone.hint')}
          value={form.phone}
          onChange={(v) => set('phone', v)}
          error={message('phone')}
          autoComplete="tel"
          width="half"
        />
        <Radios
          id="language"
          name="language"
          legend={t('details.language.legend')}
          hint={t('details.language.hint')}
          error={message('language')}
          value={form.language}
          onChange={(v) => {
            if (isLanguage(v)) set('language', v);
          }}
          options={languages.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l }))}
        />
        <Checkboxes
          id="needs"
          legend={t('details.needs.legend')}
          hint={t('details.needs.hint')}
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
                  label={t('details.needs.otherLabel')}
                  hint={t('details.needs.otherHint', { max: LIMITS.otherNeedsMax })}
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
