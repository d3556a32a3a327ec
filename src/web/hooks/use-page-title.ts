/** Sets `document.title` for the current page (WCAG 2.4.2 Page Titled). */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrganisation } from './use-organisation.ts';

/**
 * Titles read "Page – Service – Organisation"; pages showing validation
 * errors prefix "Error:" so screen-reader users hear it first (GOV.UK pattern).
 */
export function usePageTitle(page: string, hasErrors = false): void {
  const { t } = useTranslation();
  const organisation = useOrganisation();
  useEffect(() => {
    const title = t('layout.documentTitle', { page, service: t('layout.serviceName'), organisation: organisation.name });
    document.title = hasErrors ? t('layout.errorTitle', { title }) : title;
  }, [t, page, hasErrors, organisation.name]);
}
