/**
 * i18next with ICU MessageFormat (plurals, selects) for every string of the
 * web app. Catalan is the default; the three catalogues ship in the bundle so
 * the first paint is already translated.
 */
import i18next from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, RTL_LANGUAGES, type Language } from '../../shared/limits.ts';
import { setApiLanguage } from '../api/client.ts';
import ca from './locales/ca.json';
import en from './locales/en.json';
import es from './locales/es.json';
import callCa from './locales/call/ca.json';
import callEn from './locales/call/en.json';
import callEs from './locales/call/es.json';
import liveCa from './locales/live/ca.json';
import liveEn from './locales/live/en.json';
import liveEs from './locales/live/es.json';
import reviewCa from './locales/review/ca.json';
import reviewEn from './locales/review/en.json';
import reviewEs from './locales/review/es.json';
import uploadsCa from './locales/uploads/ca.json';
import uploadsEn from './locales/uploads/en.json';
import uploadsEs from './locales/uploads/es.json';
import interpreterCa from './locales/interpreter/ca.json';
import interpreterEn from './locales/interpreter/en.json';
import interpreterEs from './locales/interpreter/es.json';
import phoneCa from './locales/phone/ca.json';
import phoneEn from './locales/phone/en.json';
import phoneEs from './locales/phone/es.json';
import verifyCa from './locales/verify/ca.json';
import verifyEn from './locales/verify/en.json';
import verifyEs from './locales/verify/es.json';
import adminCa from './locales/admin/ca.json';
import adminEn from './locales/admin/en.json';
import adminEs from './locales/admin/es.json';
import adminSchedulesCa from './locales/adminSchedules/ca.json';
import adminSchedulesEn from './locales/adminSchedules/en.json';
import adminSchedulesEs from './locales/adminSchedules/es.json';
import adminIntegrationsCa from './locales/adminIntegrations/ca.json';
import adminIntegrationsEn from './locales/adminIntegrations/en.json';
import adminIntegrationsEs from './locales/adminIntegrations/es.json';
import adminPeopleCa from './locales/adminPeople/ca.json';
import adminPeopleEn from './locales/adminPeople/en.json';
import adminPeopleEs from './locales/adminPeople/es.json';
import protocolCa from './locales/protocol/ca.json';
import protocolEn from './locales/protocol/en.json';
import protocolEs from './locales/protocol/es.json';
import surveyCa from './locales/survey/ca.json';
import surveyEn from './locales/survey/en.json';
import surveyEs from './locales/survey/es.json';
import indicatorsCa from './locales/indicators/ca.json';
import indicatorsEn from './locales/indicators/en.json';
import indicatorsEs from './locales/indicators/es.json';
import deliveryCa from './locales/delivery/ca.json';
import deliveryEn from './locales/delivery/en.json';
import deliveryEs from './locales/delivery/es.json';
import retentionCa from './locales/retention/ca.json';
import retentionEn from './locales/retention/en.json';
import retentionEs from './locales/retention/es.json';
import adminDataProtectionCa from './locales/adminDataProtection/ca.json';
import adminDataProtectionEn from './locales/adminDataProtection/en.json';
import adminDataProtectionEs from './locales/adminDataProtection/es.json';

const STORAGE_KEY = 'finestreta.language';

/** Native names of the shipped languages, shown in the switcher and the forms (never translated). */
export const LANGUAGE_NAMES: Record<Language, string> = { ca: 'Català', es: 'Castellano', en: 'English' };

/** The language remembered from a previous visit, if any. */
export function storedLanguage(): Language | null {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

/** Best shipped language for this browser among `enabled`, else `fallback`. */
export function preferredLanguage(enabled: readonly string[], fallback: string): Language {
  const usable = (l: string | null): l is Language => isLanguage(l) && enabled.includes(l);
  const stored = storedLanguage();
  if (usable(stored)) return stored;
  for (const tag of navigator.languages) {
    const base = tag.toLowerCase().split('-')[0] ?? '';
    if (usable(base)) return base;
  }
  if (usable(fallback)) return fallback;
  return LANGUAGES.find((l) => enabled.includes(l)) ?? DEFAULT_LANGUAGE;
}

/** Mirrors the language on `<html lang dir>` and on API calls. */
function applyLanguage(language: string): void {
  document.documentElement.lang = language;
  document.documentElement.dir = RTL_LANGUAGES.includes(language.split('-')[0] ?? '') ? 'rtl' : 'ltr';
  setApiLanguage(language);
}

/** Initialises i18next; call once before rendering. */
export async function initI18n(): Promise<typeof i18next> {
  const initial = preferredLanguage(LANGUAGES, DEFAULT_LANGUAGE);
  i18next.on('languageChanged', applyLanguage);
  await i18next
    .use(new ICU())
    .use(initReactI18next)
    .init({
      // Each feature's catalogue lives in its own file (one top-level key each) and is merged here.
      resources: {
        ca: { translation: { ...ca, ...uploadsCa, ...reviewCa, ...callCa, ...liveCa, ...interpreterCa, ...phoneCa, ...verifyCa, ...protocolCa, ...surveyCa, ...indicatorsCa, ...adminCa, ...adminSchedulesCa, ...adminPeopleCa, ...adminIntegrationsCa, ...adminDataProtectionCa, ...deliveryCa, ...retentionCa } },
        es: { translation: { ...es, ...uploadsEs, ...reviewEs, ...callEs, ...liveEs, ...interpreterEs, ...phoneEs, ...verifyEs, ...protocolEs, ...surveyEs, ...indicatorsEs, ...adminEs, ...adminSchedulesEs, ...adminPeopleEs, ...adminIntegrationsEs, ...adminDataProtectionEs, ...deliveryEs, ...retentionEs } },
        en: { translation: { ...en, ...uploadsEn, ...reviewEn, ...callEn, ...liveEn, ...interpreterEn, ...phoneEn, ...verifyEn, ...protocolEn, ...surveyEn, ...indicatorsEn, ...adminEn, ...adminSchedulesEn, ...adminPeopleEn, ...adminIntegrationsEn, ...adminDataProtectionEn, ...deliveryEn, ...retentionEn } },
      },
      lng: initial,
      fallbackLng: DEFAULT_LANGUAGE,
      supportedLngs: [...LANGUAGES],
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  applyLanguage(i18next.language);
  return i18next;
}

/** Switches the UI language and remembers the choice. */
export async function switchLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private browsing may forbid storage; the switch still works for this visit.
  }
  await i18next.changeLanguage(language);
}
