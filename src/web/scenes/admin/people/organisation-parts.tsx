/**
 * Parts of the Organisation page: the colour's measured contrast (shown as
 * the administrator types, the same arithmetic the server checks), the
 * logo upload and the texts of one language with the email preview.
 */
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { previewEmail, removeLogo, uploadLogo } from '../../../api/admin-people-api.ts';
import { problemMessage } from '../../../components/problem.tsx';
import { TextArea } from '../../../components/text-field.tsx';
import { describedBy, ErrorMessage } from '../../../components/error-message.tsx';
import { AA_TEXT_RATIO, contrastRatio, formatRatio, HEX_COLOUR } from '../../../../shared/contrast.ts';
import { ADMIN_PEOPLE_LIMITS, type EmailPreviewView, type OrganisationSettingsView, type OrganisationTexts } from '../../../../shared/admin-people.ts';
import type { Language } from '../../../../shared/limits.ts';

/** The header's two text colours (src/web/components/brand.ts). */
const TEXTS = [
  { key: 'contrastWhite', colour: '#ffffff' },
  { key: 'contrastBlack', colour: '#0b0c0c' },
] as const;

/** The colour's contrast with each text colour, and a sample of the header. */
export function ContrastPreview({ colour }: { colour: string }) {
  const { t } = useTranslation();
  if (!HEX_COLOUR.test(colour)) return null;
  const best = TEXTS.map((x) => ({ ...x, ratio: contrastRatio(colour, x.colour) })).sort((a, b) => b.ratio - a.ratio);
  const top = best[0];
  if (!top) return null;
  const ok = top.ratio >= AA_TEXT_RATIO;
  return (
    <div className="people-contrast">
      <p className="people-contrast__sample" style={{ backgroundColor: colour, color: ok ? top.colour : '#000000' }} aria-hidden="true">
        Aa
      </p>
      <ul className="people-contrast__list">
        {best.map((x) => (
          <li key={x.key}>{t('adminPeople.organisation.contrast', { text: t(`adminPeople.organisation.${x.key}`), ratio: formatRatio(x.ratio) })}</li>
        ))}
      </ul>
      <p className={ok ? 'people-contrast__verdict' : 'people-contrast__verdict people-contrast__verdict--low'}>{ok ? t('adminPeople.organisation.contrastOk') : t('adminPeople.organisation.contrastLow')}</p>
    </div>
  );
}

/** Props of {@link LogoSection}. */
export interface LogoSectionProps {
  csrfToken: string;
  logo: OrganisationSettingsView['logo'];
  basePath: string;
  onSaved: (view: OrganisationSettingsView, message: string) => void;
  onError: (message: string, fieldId?: string) => void;
  error?: string | undefined;
}

/** Upload or remove the logo (PNG or JPEG, ≤ 200 KiB; the server checks the bytes too). */
export function LogoSection({ csrfToken, logo, basePath, onSaved, onError, error }: LogoSectionProps) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const hintId = 'org-logo-hint';
  const errorId = error ? 'org-logo-error' : undefined;
  const upload = async () => {
    const file = input.current?.files?.[0];
    if (!file) return onError(t('adminPeople.organisation.logoChoose'), 'org-logo');
    if (!(ADMIN_PEOPLE_LIMITS.logoTypes as readonly string[]).includes(file.type)) return onError(t('adminPeople.organisation.logoType'), 'org-logo');
    if (file.size > ADMIN_PEOPLE_LIMITS.logoMaxBytes) return onError(t('adminPeople.organisation.logoSize'), 'org-logo');
    setBusy(true);
    try {
      onSaved(await uploadLogo(csrfToken, file, file.type), t('adminPeople.organisation.logoSaved'));
      if (input.current) input.current.value = '';
    } catch (e) {
      onError(problemMessage(e, t), 'org-logo');
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      onSaved(await removeLogo(csrfToken), t('adminPeople.organisation.logoRemoved'));
    } catch (e) {
      onError(problemMessage(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className={error ? 'form-group form-group--error' : 'form-group'}>
      <label htmlFor="org-logo" className="label">
        {t('adminPeople.organisation.logo')}
      </label>
      <div id={hintId} className="hint">
        {t('adminPeople.organisation.logoHint')}
      </div>
      {error && errorId ? <ErrorMessage id={errorId} message={error} /> : null}
      {logo ? (
        <figure className="people-logo">
          <img src={`${basePath}${logo.url}`} alt={t('adminPeople.organisation.logoCurrent')} className="people-logo__image" />
        </figure>
      ) : (
        <p className="body">{t('adminPeople.organisation.logoNone')}</p>
      )}
      <input ref={input} id="org-logo" name="logo" type="file" accept="image/png,image/jpeg" className={error ? 'doc-file-input doc-file-input--error' : 'doc-file-input'} aria-describedby={describedBy(hintId, errorId)} />
      <div className="button-group people-logo__actions">
        <button type="button" className="button button--secondary" aria-disabled={busy} onClick={() => void upload()}>
          {t('adminPeople.organisation.logoUpload')}
        </button>
        {logo ? (
          <button type="button" className="button button--warning" aria-disabled={busy} onClick={() => void remove()}>
            {t('adminPeople.organisation.logoRemove')}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** Props of {@link LanguageTexts}. */
export interface LanguageTextsProps {
  language: Language;
  texts: OrganisationTexts;
  defaults: Record<string, string>;
  csrfToken: string;
  onChange: (kind: keyof OrganisationTexts, value: string) => void;
  errorOf: (fieldId: string) => string | undefined;
}

/** The three texts of one language, and the preview of the confirmation email with its note. */
export function LanguageTexts({ language, texts, defaults, csrfToken, onChange, errorOf }: LanguageTextsProps) {
  const { t } = useTranslation();
  const headingId = useId();
  const [preview, setPreview] = useState<EmailPreviewView | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const languageName = t(`adminPeople.organisation.languageIn.${language}`);
  const show = async () => {
    setPreviewError(null);
    try {
      setPreview(await previewEmail(csrfToken, language, texts.emailNote[language] ?? ''));
    } catch (e) {
      setPreview(null);
      setPreviewError(problemMessage(e, t));
    }
  };
  return (
    <fieldset className="fieldset people-fieldset" aria-describedby={`${headingId}-hint`}>
      <legend className="fieldset__legend fieldset__legend--m">
        {t('adminPeople.organisation.texts', { language: languageName })}
      </legend>
      <div id={`${headingId}-hint`} className="hint">
        {t('adminPeople.organisation.textsHint')}
      </div>
      <TextArea
        id={`org-consent-${language}`}
        name={`consent-${language}`}
        label={t('adminPeople.organisation.consent')}
        hint={t('adminPeople.organisation.consentHint', { text: defaults[language] ?? '' })}
        value={texts.consent[language] ?? ''}
        onChange={(v) => onChange('consent', v)}
        error={errorOf(`org-consent-${language}`)}
        rows={2}
      />
      <TextArea
        id={`org-recordingNotice-${language}`}
        name={`recordingNotice-${language}`}
        label={t('adminPeople.organisation.recordingNotice')}
        hint={t('adminPeople.organisation.recordingNoticeHint')}
        value={texts.recordingNotice[language] ?? ''}
        onChange={(v) => onChange('recordingNotice', v)}
        error={errorOf(`org-recordingNotice-${language}`)}
        rows={3}
      />
      <TextArea
        id={`org-emailNote-${language}`}
        name={`emailNote-${language}`}
        label={t('adminPeople.organisation.emailNote')}
        hint={t('adminPeople.organisation.emailNoteHint')}
        value={texts.emailNote[language] ?? ''}
        onChange={(v) => onChange('emailNote', v)}
        error={errorOf(`org-emailNote-${language}`)}
        rows={3}
      />
      <button type="button" className="button button--secondary" onClick={() => void show()}>
        {t('adminPeople.organisation.preview')}
        <span className="visually-hidden"> ({languageName})</span>
      </button>
      <div aria-live="polite">
        {previewError ? <p className="body people-preview__error">{previewError}</p> : null}
        {preview ? (
          <section className="people-preview" aria-label={t('adminPeople.organisation.previewHeading', { language: languageName })}>
            <p className="body people-preview__subject">{t('adminPeople.organisation.previewSubject', { subject: preview.subject })}</p>
            <pre className="people-preview__text" lang={language}>
              {preview.text}
            </pre>
          </section>
        ) : null}
      </div>
    </fieldset>
  );
}
