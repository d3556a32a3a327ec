/** Booking step 7: the confirmation panel with the reference, and what happens next. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { Panel, SummaryList } from '../../components/content.tsx';
import { HeadingShell } from '../../components/page-heading.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { capitalise, formatInstantDate, formatInstantTime } from '../../i18n/format.ts';
import { lastConfirmation } from './booking-state.ts';

/** The confirmation page. */
export function DoneScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const [confirmation] = useState(lastConfirmation);
  usePageTitle(t('done.title'));
  if (!confirmation) return <Navigate to="/" replace />;
  const { timeZone } = confirmation;
  const date = capitalise(formatInstantDate(confirmation.startsAt, timeZone, language), language);
  const time = formatInstantTime(confirmation.startsAt, timeZone, language);
  const deadlineDate = formatInstantDate(confirmation.uploadDeadline, timeZone, language);
  const deadlineTime = formatInstantTime(confirmation.uploadDeadline, timeZone, language);

  return (
    <>
      <Panel title={<HeadingShell className="panel__title">{t('done.title')}</HeadingShell>}>
        {t('done.referenceLabel')}
        <br />
        <strong className="panel__reference">{confirmation.reference}</strong>
      </Panel>
      <SummaryList
        rows={[
          { key: 'procedure', label: t('check.procedure'), value: confirmation.procedureName },
          { key: 'date', label: t('check.date'), value: date },
          { key: 'time', label: t('check.time'), value: time },
          { key: 'channel', label: t('check.channel'), value: t('check.channelVideo') },
        ]}
      />
      <p className="body">{t('done.emailSent', { email: confirmation.email })}</p>
      <h2 className="heading-m">{t('done.nextHeading')}</h2>
      <ol className="list list--number">
        <li>{t('done.next.documents', { date: deadlineDate, time: deadlineTime })}</li>
        <li>{t('done.next.device')}</li>
        <li>{t('done.next.join', { time })}</li>
      </ol>
      <p className="body">{t('done.changeOrCancel')}</p>
      <p className="body">{t('done.noEmail')}</p>
      <p className="body">
        <Link to="/">{t('done.bookAnother')}</Link>
      </p>
    </>
  );
}
