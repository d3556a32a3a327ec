/**
 * The agent's form to invite an interpreter: the kind (sign language, or
 * another language and which), and optionally a name and an email address.
 * Checked here as the server checks it (the same limits); a field the server
 * still refuses is marked the same way. Errors are shown at the field and
 * focus moves to the first one.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { INTERPRETER_LIMITS, type InterpreterKind, type InvitationRequest } from '../../../../shared/interpreters.ts';
import { ApiError } from '../../../api/client.ts';
import { problemMessage } from '../../../components/problem.tsx';
import { Radios } from '../../../components/radios.tsx';
import { TextField } from '../../../components/text-field.tsx';

type Field = 'kind' | 'language' | 'name' | 'email';

/** Element ids of the fields, for focus and error links. */
const FIELD_IDS: Record<Field, string> = { kind: 'interpreter-kind', language: 'interpreter-language', name: 'interpreter-name', email: 'interpreter-email' };

/** Props of {@link InviteForm}. */
export interface InviteFormProps {
  /** Creates the invitation; rejects with the API's error. */
  onInvite: (request: InvitationRequest) => Promise<void>;
}

/** A rough check of an address's shape (the server decides). */
const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

/** The form. */
export function InviteForm({ onInvite }: InviteFormProps) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<InterpreterKind | ''>('');
  const [language, setLanguage] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const show = (found: Partial<Record<Field, string>>) => {
    setErrors(found);
    const first = (Object.keys(FIELD_IDS) as Field[]).find((f) => found[f]);
    if (first) document.getElementById(FIELD_IDS[first])?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    const found: Partial<Record<Field, string>> = {};
    if (kind === '') found.kind = t('interpreter.invite.errors.kind');
    if (kind === 'spoken_language' && language.trim() === '') found.language = t('interpreter.invite.errors.language');
    if (name.trim().length > INTERPRETER_LIMITS.nameMax) found.name = t('interpreter.invite.errors.name', { max: INTERPRETER_LIMITS.nameMax });
    if (email.trim() !== '' && !looksLikeEmail(email.trim())) found.email = t('interpreter.invite.errors.email');
    setProblem(null);
    if (Object.keys(found).length > 0 || kind === '') {
      show(found);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      await onInvite({
        kind,
        ...(kind === 'spoken_language' ? { language: language.trim() } : {}),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(email.trim() ? { email: email.trim() } : {}),
      });
      setLanguage('');
      setName('');
      setEmail('');
      setKind('');
    } catch (error) {
      const issues = error instanceof ApiError && Array.isArray(error.details.issues) ? (error.details.issues as { path?: unknown }[]) : [];
      const fields = issues.map((i) => i.path).filter((p): p is Field => typeof p === 'string' && p in FIELD_IDS);
      if (fields.length > 0) {
        const messages: Record<Field, string> = {
          kind: t('interpreter.invite.errors.kind'),
          language: t('interpreter.invite.errors.language'),
          name: t('interpreter.invite.errors.name', { max: INTERPRETER_LIMITS.nameMax }),
          email: t('interpreter.invite.errors.email'),
        };
        show(Object.fromEntries(fields.map((f) => [f, messages[f]])));
      } else {
        setProblem(problemMessage(error, t));
      }
    } finally {
      setSending(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="interpreter-form-heading">
      <h3 id="interpreter-form-heading" className="heading-s">
        {t('interpreter.invite.formHeading')}
      </h3>
      {problem ? (
        <p className="body interpreter-panel__problem" role="alert">
          {problem}
        </p>
      ) : null}
      <Radios
        id={FIELD_IDS.kind}
        name="interpreter-kind"
        legend={t('interpreter.invite.kindLegend')}
        value={kind}
        onChange={(value) => setKind(value === 'spoken_language' ? 'spoken_language' : 'sign_language')}
        error={errors.kind}
        small
        options={[
          { value: 'sign_language', label: t('interpreter.invite.kind', { kind: 'sign_language' }) },
          { value: 'spoken_language', label: t('interpreter.invite.kind', { kind: 'spoken_language' }) },
        ]}
      />
      {kind === 'spoken_language' ? (
        <TextField
          id={FIELD_IDS.language}
          name="interpreter-language"
          label={t('interpreter.invite.languageLabel')}
          hint={t('interpreter.invite.languageHint')}
          value={language}
          onChange={setLanguage}
          error={errors.language}
          maxLength={INTERPRETER_LIMITS.languageMax}
        />
      ) : null}
      <TextField
        id={FIELD_IDS.name}
        name="interpreter-name"
        label={t('interpreter.invite.nameLabel')}
        value={name}
        onChange={setName}
        error={errors.name}
        autoComplete="off"
      />
      <TextField
        id={FIELD_IDS.email}
        name="interpreter-email"
        type="email"
        label={t('interpreter.invite.emailLabel')}
        hint={t('interpreter.invite.emailHint')}
        value={email}
        onChange={setEmail}
        error={errors.email}
        autoComplete="off"
        spellCheck={false}
        maxLength={INTERPRETER_LIMITS.emailMax}
      />
      <button type="submit" className="button button--secondary" aria-disabled={sending}>
        {sending ? t('interpreter.invite.creating') : t('interpreter.invite.submit')}
      </button>
    </form>
  );
}
