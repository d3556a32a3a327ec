/**
 * Language switcher in the header. Each name is written in its own language
 * and marked with `lang` (WCAG 3.1.2) so screen readers pronounce it right.
 */
import { useTranslation } from 'react-i18next';
import { isLanguage, LANGUAGES, type Language } from '../../shared/limits.ts';
import { useLanguage } from '../hooks/use-language.ts';
import { LANGUAGE_NAMES, switchLanguage } from '../i18n/i18n.ts';

/** Buttons for the organisation's enabled languages; the current one is marked `aria-current`. */
export function LanguageSwitcher({ enabled }: { enabled: readonly string[] }) {
  const { t } = useTranslation();
  const current = useLanguage();
  const languages: Language[] = LANGUAGES.filter((l) => enabled.some((e) => isLanguage(e) && e === l));
  if (languages.length < 2) return null;
  return (
    <nav className="language-switcher" aria-label={t('layout.languageNav')}>
      <ul className="language-switcher__list">
        {languages.map((language) => (
          <li key={language}>
            <button
              type="button"
              lang={language}
              className="language-switcher__button"
              aria-current={language === current ? 'true' : undefined}
              onClick={() => {
                if (language !== current) void switchLanguage(language);
              }}
            >
              {LANGUAGE_NAMES[language]}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
