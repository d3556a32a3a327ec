/**
 * Organisation section of the administration console
 * (`/staff/admin/organisation`): name, DIR3 code, colour (its contrast
 * measured as typed; the server refuses below WCAG AA with the ratio),
 * logo, time zone, languages, texts per language with an email preview,
 * appointment timings and retention periods. Saved together; the change
 * applies at once, the citizen pages included.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, detectBasePath } from '../../../api/client.ts';
import { fetchOrganisationSettings, saveOrganisationSettings } from '../../../api/admin-people-api.ts';
import { Checkboxes } from '../../../components/checkboxes.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { Radios } from '../../../components/radios.tsx';
import { StaffSelect } from '../../../components/staff-select.tsx';
import { StaffSuccessBanner } from '../../../components/staff-banner.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLoad } from '../../../hooks/use-load.ts';
import { LANGUAGE_VALUES, type OrganisationSettingsView, type OrganisationTexts, type RetentionPeriods } from '../../../../shared/admin-people.ts';
import type { Language } from '../../../../shared/limits.ts';
import { useStaffPageTitle, useStaffSession } from '../../staff/staff-session.ts';
import { ContrastPreview, LanguageTexts, LogoSection } from './organisation-parts.tsx';
import { refusalProblems, usePageMessages } from './people-shared.tsx';

const RETENTION_KEYS = ['documentsDays', 'recordingsDays', 'evidenceDays', 'appointmentsDays'] as const satisfies readonly (keyof RetentionPeriods)[];

/** Every IANA zone the browser knows (the server checks again). */
function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return all.includes(current) ? all : [current, ...all];
}

/** The element id of the field an API path is about. */
function fieldOf(path: string): string | null {
  const [head, second, third] = path.split('.');
  switch (head) {
    case 'name':
      return 'org-name';
    case 'dir3':
      return 'org-dir3';
    case 'timeZone':
      return 'org-time-zone';
    case 'languages':
      return 'org-lang';
    case 'primaryColor':
      return 'org-colour';
    case 'noShowMinutes':
      return 'org-no-show';
    case 'uploadDeadlineHours':
      return 'org-upload-deadline';
    case 'retention':
      return second ? `org-retention-${second}` : null;
    case 'texts':
      return second && third ? `org-${second}-${third}` : null;
    default:
      return null;
  }
}

/** Form state: numbers as typed, so a half-typed value is the person's, not zero. */
interface Draft {
  name: string;
  dir3: string;
  timeZone: string;
  languages: Language[];
  primaryColor: string;
  texts: OrganisationTexts;
  noShowMinutes: string;
  uploadDeadlineHours: string;
  retention: Record<keyof RetentionPeriods, string>;
}

function draftOf(v: OrganisationSettingsView): Draft {
  return {
    name: v.name,
    dir3: v.dir3,
    timeZone: v.timeZone,
    languages: v.languages,
    primaryColor: v.primaryColor,
    texts: v.texts,
    noShowMinutes: String(v.noShowMinutes),
    uploadDeadlineHours: String(v.uploadDeadlineHours),
    retention: { documentsDays: String(v.retention.documentsDays), recordingsDays: String(v.retention.recordingsDays), evidenceDays: String(v.retention.evidenceDays), appointmentsDays: String(v.retention.appointmentsDays) },
  };
}

/** A typed number, or NaN (sent as null: the server refuses it on its field). */
const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value.trim().replace(',', '.')));

/** The section's page. */
export function OrganisationScene() {
  const [state, retry] = useLoad((signal) => fetchOrganisationSettings(signal), []);
  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  if (state.status === 'loading') return <OrganisationLoading />;
  return <OrganisationForm initial={state.data} />;
}

function OrganisationLoading() {
  const { t } = useTranslation();
  useStaffPageTitle(t('adminPeople.organisation.title'));
  return (
    <>
      <PageHeading>{t('adminPeople.organisation.title')}</PageHeading>
      <p className="body" role="status">
        {t('common.loading')}
      </p>
    </>
  );
}

function OrganisationForm({ initial }: { initial: OrganisationSettingsView }) {
  const { t } = useTranslation();
  const { csrfToken } = useStaffSession();
  const page = usePageMessages();
  const [view, setView] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const [sending, setSending] = useState(false);
  const zones = useMemo(() => timeZones(initial.timeZone), [initial.timeZone]);
  useStaffPageTitle(t('adminPeople.organisation.title'), page.problems.length > 0);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const defaultLanguage = draft.languages[0] ?? 'ca';

  const toggleLanguage = (lang: Language, on: boolean) =>
    set('languages', on ? [...draft.languages, lang] : draft.languages.filter((l) => l !== lang));
  const chooseDefault = (lang: Language) => set('languages', [lang, ...draft.languages.filter((l) => l !== lang)]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    page.start();
    setSending(true);
    try {
      const saved = await saveOrganisationSettings(csrfToken, {
        name: draft.name,
        dir3: draft.dir3,
        timeZone: draft.timeZone,
        languages: draft.languages,
        primaryColor: draft.primaryColor.trim(),
        texts: draft.texts,
        noShowMinutes: num(draft.noShowMinutes),
        uploadDeadlineHours: num(draft.uploadDeadlineHours),
        retention: {
          documentsDays: num(draft.retention.documentsDays),
          recordingsDays: num(draft.retention.recordingsDays),
          evidenceDays: num(draft.retention.evidenceDays),
          appointmentsDays: num(draft.retention.appointmentsDays),
        },
      });
      setView(saved);
      setDraft(draftOf(saved));
      page.done(t('adminPeople.organisation.saved'));
    } catch (error) {
      if (error instanceof ApiError && error.id === 'colour_contrast_low') {
        page.fail([{ message: error.message, fieldId: 'org-colour' }]);
      } else {
        page.fail(
          refusalProblems(error, t, fieldOf, (path) => {
            const head = path.split('.')[0] ?? '';
            const key = head === 'texts' ? 'text' : head;
            return t(`adminPeople.organisation.errors.${key}`, { defaultValue: t('adminPeople.organisation.errors.invalid') });
          }),
        );
      }
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      {page.notice ? <StaffSuccessBanner message={page.notice.message} detail={page.notice.detail} /> : null}
      <ErrorSummary errors={page.problems} focusKey={page.submits} />
      <PageHeading>{t('adminPeople.organisation.title')}</PageHeading>
      <p className="body">{t('adminPeople.organisation.intro')}</p>

      <form onSubmit={(e) => void submit(e)} noValidate>
        <section aria-labelledby="org-identity" className="people-section">
          <h2 id="org-identity" className="heading-m">
            {t('adminPeople.organisation.identity')}
          </h2>
          <TextField id="org-name" name="name" label={t('adminPeople.organisation.name')} value={draft.name} onChange={(v) => set('name', v)} error={page.errorOf('org-name')} autoComplete="organization" />
          <TextField
            id="org-dir3"
            name="dir3"
            label={t('adminPeople.organisation.dir3')}
            hint={t('adminPeople.organisation.dir3Hint')}
            value={draft.dir3}
            onChange={(v) => set('dir3', v)}
            error={page.errorOf('org-dir3')}
            autoCapitalize="characters"
            spellCheck={false}
            width="quarter"
            maxLength={9}
          />
        </section>

        <section aria-labelledby="org-appearance" className="people-section">
          <h2 id="org-appearance" className="heading-m">
            {t('adminPeople.organisation.appearance')}
          </h2>
          <TextField
            id="org-colour"
            name="primaryColor"
            label={t('adminPeople.organisation.colour')}
            hint={t('adminPeople.organisation.colourHint')}
            value={draft.primaryColor}
            onChange={(v) => set('primaryColor', v)}
            error={page.errorOf('org-colour')}
            spellCheck={false}
            autoCapitalize="none"
            width="quarter"
            maxLength={7}
          />
          <ContrastPreview colour={draft.primaryColor.trim()} />
          <LogoSection
            csrfToken={csrfToken}
            logo={view.logo}
            basePath={detectBasePath(window.location.pathname)}
            error={page.errorOf('org-logo')}
            onSaved={(saved, message) => {
              setView(saved);
              page.done(message);
            }}
            onError={(message, fieldId) => page.fail([{ message, fieldId }])}
          />
        </section>

        <section aria-labelledby="org-time-language" className="people-section">
          <h2 id="org-time-language" className="heading-m">
            {t('adminPeople.organisation.timeAndLanguage')}
          </h2>
          <StaffSelect id="org-time-zone" name="timeZone" label={t('adminPeople.organisation.timeZone')} value={draft.timeZone} options={zones.map((z) => ({ value: z, label: z }))} onChange={(v) => set('timeZone', v)} error={page.errorOf('org-time-zone')} />
          <Checkboxes
            id="org-lang"
            legend={t('adminPeople.organisation.languages')}
            hint={t('adminPeople.organisation.languagesHint')}
            error={page.errorOf('org-lang')}
            items={LANGUAGE_VALUES.map((lang, i) => ({
              id: i === 0 ? 'org-lang' : `org-lang-${lang}`,
              name: 'languages',
              label: <span lang={lang}>{t(`adminPeople.organisation.languageNames.${lang}`)}</span>,
              checked: draft.languages.includes(lang),
              onChange: (on: boolean) => toggleLanguage(lang, on),
            }))}
          />
          {draft.languages.length > 1 ? (
            <Radios
              id="org-default-language"
              name="defaultLanguage"
              legend={t('adminPeople.organisation.defaultLanguage')}
              value={defaultLanguage}
              onChange={(v) => chooseDefault(v as Language)}
              small
              options={draft.languages.map((lang) => ({ value: lang, label: t(`adminPeople.organisation.languageNames.${lang}`), lang }))}
            />
          ) : null}
        </section>

        {draft.languages.map((lang) => (
          <LanguageTexts
            key={lang}
            language={lang}
            texts={draft.texts}
            defaults={view.defaults.consent}
            csrfToken={csrfToken}
            errorOf={page.errorOf}
            onChange={(kind, value) => set('texts', { ...draft.texts, [kind]: { ...draft.texts[kind], [lang]: value } })}
          />
        ))}

        <section aria-labelledby="org-timings" className="people-section">
          <h2 id="org-timings" className="heading-m">
            {t('adminPeople.organisation.timings')}
          </h2>
          <TextField id="org-no-show" name="noShowMinutes" label={t('adminPeople.organisation.noShow')} hint={t('adminPeople.organisation.noShowHint')} value={draft.noShowMinutes} onChange={(v) => set('noShowMinutes', v)} error={page.errorOf('org-no-show')} inputMode="numeric" width="quarter" />
          <TextField
            id="org-upload-deadline"
            name="uploadDeadlineHours"
            label={t('adminPeople.organisation.uploadDeadline')}
            hint={t('adminPeople.organisation.uploadDeadlineHint')}
            value={draft.uploadDeadlineHours}
            onChange={(v) => set('uploadDeadlineHours', v)}
            error={page.errorOf('org-upload-deadline')}
            inputMode="numeric"
            width="quarter"
          />
        </section>

        <section aria-labelledby="org-retention" className="people-section">
          <h2 id="org-retention" className="heading-m">
            {t('adminPeople.organisation.retention')}
          </h2>
          <p className="body">{t('adminPeople.organisation.retentionHint')}</p>
          {RETENTION_KEYS.map((key) => (
            <TextField
              key={key}
              id={`org-retention-${key}`}
              name={key}
              label={t(`adminPeople.organisation.retentionFields.${key}`)}
              value={draft.retention[key]}
              onChange={(v) => set('retention', { ...draft.retention, [key]: v })}
              error={page.errorOf(`org-retention-${key}`)}
              inputMode="numeric"
              width="quarter"
            />
          ))}
        </section>

        <button type="submit" className="button" aria-disabled={sending}>
          {t('adminPeople.organisation.save')}
        </button>
      </form>
    </>
  );
}
