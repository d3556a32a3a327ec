/**
 * The page frame: skip link, header in the organisation's colour with its
 * name and the language switcher, the main region, and a footer linking to
 * the accessibility statement (RD 1112/2018) and the privacy notice.
 * It loads the organisation first: every page needs its name and time zone.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, ScrollRestoration, useLocation } from 'react-router';
import { isLanguage } from '../../shared/limits.ts';
import { detectBasePath, ApiError } from '../api/client.ts';
import { fetchOrganisation } from '../api/public-api.ts';
import type { OrganisationView } from '../api/types.ts';
import { useLoad } from '../hooks/use-load.ts';
import { OrganisationContext } from '../hooks/use-organisation.ts';
import { preferredLanguage } from '../i18n/i18n.ts';
import { brandColours } from './brand.ts';
import { Loading } from './content.tsx';
import { LanguageSwitcher } from './language-switcher.tsx';
import { focusPageHeadingSoon } from './page-heading.tsx';
import { problemMessage } from './problem.tsx';

function SkipLink() {
  const { t } = useTranslation();
  return (
    <a
      href="#main"
      className="skip-link"
      onClick={(event) => {
        event.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      {t('layout.skipLink')}
    </a>
  );
}

function Header({ organisation }: { organisation: OrganisationView | null }) {
  const { t } = useTranslation();
  const colours = brandColours(organisation?.branding.primaryColor ?? '');
  return (
    <header className="header" style={{ backgroundColor: colours.background, color: colours.text }}>
      <div className="width-container header__container">
        <div className="header__brand">
          {organisation ? (
            <Link to="/" className="header__organisation">
              {/* Decorative: the name beside it says the same (set in the administration console). */}
              {organisation.branding.logoUrl ? <img src={`${detectBasePath(window.location.pathname)}${organisation.branding.logoUrl}`} alt="" className="header__logo" /> : null}
              {organisation.name}
            </Link>
          ) : null}
          <span className="header__service">{t('layout.serviceName')}</span>
        </div>
        {organisation ? <LanguageSwitcher enabled={organisation.languages} /> : null}
      </div>
    </header>
  );
}

function Footer({ organisation }: { organisation: OrganisationView | null }) {
  const { t } = useTranslation();
  return (
    <footer className="footer">
      <div className="width-container">
        {organisation ? (
          <>
            <h2 className="visually-hidden">{t('layout.footerLinks')}</h2>
            <ul className="footer__links">
              <li>
                <Link to="/accessibility">{t('layout.accessibilityLink')}</Link>
              </li>
              <li>
                <Link to="/privacy">{t('layout.privacyLink')}</Link>
              </li>
            </ul>
          </>
        ) : null}
        <p className="footer__meta">
          {organisation ? <span className="footer__organisation">{organisation.name}</span> : null}
          <span>{t('layout.poweredBy')}</span>
        </p>
      </div>
    </footer>
  );
}

/** Follows the organisation's languages once known (an unsupported choice falls back to its default). */
function useOrganisationLanguages(organisation: OrganisationView | null): void {
  const { i18n } = useTranslation();
  useEffect(() => {
    if (!organisation) return;
    const current = i18n.resolvedLanguage ?? i18n.language;
    if (!organisation.languages.includes(current)) {
      const next = preferredLanguage(organisation.languages, organisation.defaultLanguage);
      if (isLanguage(next) && next !== current) void i18n.changeLanguage(next);
    }
  }, [organisation, i18n]);
}

/** Moves focus to the new page's heading after client-side navigation (not on the first load). */
function useFocusOnNavigation(): void {
  const location = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // "Change" links point at a field (#email): focus it, as the browser would on a full load.
    const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (target) target.focus();
    else focusPageHeadingSoon();
  }, [location.pathname, location.search, location.hash]);
}

/** The root route element. */
export function Layout() {
  const { t } = useTranslation();
  const [state, retry] = useLoad((signal) => fetchOrganisation(signal), []);
  const organisation = state.status === 'ready' ? state.data : null;
  useOrganisationLanguages(organisation);
  useFocusOnNavigation();
  useEffect(() => {
    if (state.status === 'error') document.title = t('errors.serviceTitle');
  }, [state.status, t]);

  let content;
  if (state.status === 'ready') {
    content = (
      <OrganisationContext.Provider value={state.data}>
        <Outlet />
      </OrganisationContext.Provider>
    );
  } else if (state.status === 'error') {
    const unknownOrganisation = state.error instanceof ApiError && state.error.status === 404;
    content = (
      <>
        <h1 className="heading-l" tabIndex={-1}>
          {unknownOrganisation ? t('errors.organisationNotFoundTitle') : t('errors.serviceTitle')}
        </h1>
        <p className="body">{problemMessage(state.error, t)}</p>
        {unknownOrganisation ? null : (
          <button type="button" className="button button--secondary" onClick={retry}>
            {t('common.tryAgain')}
          </button>
        )}
      </>
    );
  } else {
    content = <Loading />;
  }

  return (
    <>
      <ScrollRestoration />
      <SkipLink />
      <Header organisation={organisation} />
      <div className="page-body">
        <div className="width-container">
          <main id="main" className="main" tabIndex={-1}>
            {content}
          </main>
        </div>
      </div>
      <Footer organisation={organisation} />
    </>
  );
}
