/** Static pages: accessibility statement (RD 1112/2018), privacy notice, and "page not found". */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageHeading } from '../../components/page-heading.tsx';
import { useOrganisation } from '../../hooks/use-organisation.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';

/** A section of a static page: a heading and its paragraphs, all translation keys. */
interface Section {
  heading: string;
  paragraphs: readonly string[];
}

function Sections({ sections }: { sections: readonly Section[] }) {
  const { t } = useTranslation();
  const { name } = useOrganisation();
  return (
    <>
      {sections.map((section) => (
        <section key={section.heading}>
          <h2 className="heading-m">{t(section.heading)}</h2>
          {section.paragraphs.map((key) => (
            <p className="body" key={key}>
              {t(key, { organisation: name })}
            </p>
          ))}
        </section>
      ))}
    </>
  );
}

const A = 'accessibility';
const ACCESSIBILITY_SECTIONS: readonly Section[] = [
  { heading: `${A}.statusHeading`, paragraphs: [`${A}.status`] },
  { heading: `${A}.nonAccessibleHeading`, paragraphs: [`${A}.nonAccessible.calls`, `${A}.nonAccessible.uploads`] },
  { heading: `${A}.preparationHeading`, paragraphs: [`${A}.preparation`, `${A}.review`] },
  { heading: `${A}.feedbackHeading`, paragraphs: [`${A}.feedback`, `${A}.feedbackAnswer`] },
  { heading: `${A}.enforcementHeading`, paragraphs: [`${A}.enforcement`, `${A}.enforcementHow`] },
  { heading: `${A}.technicalHeading`, paragraphs: [`${A}.technical`] },
];

/** The accessibility statement, with conformance status, feedback channel and enforcement procedure. */
export function AccessibilityScene() {
  const { t } = useTranslation();
  const { name } = useOrganisation();
  usePageTitle(t('accessibility.title'));
  return (
    <>
      <PageHeading>{t('accessibility.title')}</PageHeading>
      <p className="body">{t('accessibility.intro')}</p>
      <p className="body">{t('accessibility.scope', { organisation: name })}</p>
      <Sections sections={ACCESSIBILITY_SECTIONS} />
    </>
  );
}

const P = 'privacy';
const PRIVACY_SECTIONS: readonly Section[] = [
  { heading: `${P}.controllerHeading`, paragraphs: [`${P}.controller`] },
  { heading: `${P}.dataHeading`, paragraphs: [`${P}.data`] },
  { heading: `${P}.purposeHeading`, paragraphs: [`${P}.purpose`, `${P}.recording`] },
  { heading: `${P}.basisHeading`, paragraphs: [`${P}.basis`] },
  { heading: `${P}.recipientsHeading`, paragraphs: [`${P}.recipients`] },
  { heading: `${P}.retentionHeading`, paragraphs: [`${P}.retention`] },
  { heading: `${P}.rightsHeading`, paragraphs: [`${P}.rights`, `${P}.complaint`] },
  { heading: `${P}.storageHeading`, paragraphs: [`${P}.storage`] },
];

/** The privacy notice (GDPR art. 13). */
export function PrivacyScene() {
  const { t } = useTranslation();
  usePageTitle(t('privacy.title'));
  return (
    <>
      <PageHeading>{t('privacy.title')}</PageHeading>
      <Sections sections={PRIVACY_SECTIONS} />
    </>
  );
}

/** "Page not found". */
export function NotFoundScene() {
  const { t } = useTranslation();
  usePageTitle(t('notFound.title'));
  return (
    <>
      <PageHeading>{t('notFound.title')}</PageHeading>
      <p className="body">{t('notFound.typed')}</p>
      <p className="body">{t('notFound.pasted')}</p>
      <p className="body">
        <Link to="/">{t('notFound.start')}</Link>
      </p>
    </>
  );
}
