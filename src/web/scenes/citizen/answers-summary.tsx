/** The summary lists of "check your answers", each row with its "Change" link. */
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../../../shared/limits.ts';
import type { ChosenSlot, ProcedureView } from '../../api/types.ts';
import { SummaryList } from '../../components/content.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { capitalise, formatDayWithYear } from '../../i18n/format.ts';
import { LANGUAGE_NAMES } from '../../i18n/i18n.ts';
import type { DetailsAnswers } from './booking-state.ts';

/** Props of {@link AnswersSummary}. */
export interface AnswersSummaryProps {
  procedure: ProcedureView;
  slot: ChosenSlot;
  details: DetailsAnswers;
  /** `/book/<procedureId>`. */
  base: string;
}

/** The appointment and the person's details, as answered. */
export function AnswersSummary({ procedure, slot, details, base }: AnswersSummaryProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const needs: string[] = [];
  if (details.signLanguage) needs.push(t('details.needs.signLanguage'));
  if (details.needsInterpreter) needs.push(t('check.interpreterValue', { language: details.interpreterLanguage }));
  if (details.hasOtherNeeds) needs.push(details.otherNeeds);
  const detailsLink = (field: string, label: string) => ({ to: `${base}/details#${field}`, label });

  return (
    <>
      <h2 className="heading-m">{t('check.appointmentHeading')}</h2>
      <SummaryList
        rows={[
          {
            key: 'procedure',
            label: t('check.procedure'),
            value: procedure.name,
            change: { to: '/', label: t('check.changeProcedure') },
          },
          {
            key: 'date',
            label: t('check.date'),
            value: capitalise(formatDayWithYear(slot.date, language), language),
            change: { to: `${base}/date?return=check`, label: t('check.changeDate') },
          },
          {
            key: 'time',
            label: t('check.time'),
            value: slot.localTime,
            change: { to: `${base}/time?return=check`, label: t('check.changeTime') },
          },
          { key: 'channel', label: t('check.channel'), value: t('check.channelVideo') },
        ]}
      />
      <h2 className="heading-m">{t('check.detailsHeading')}</h2>
      <SummaryList
        rows={[
          {
            key: 'name',
            label: t('check.name'),
            value: t('check.fullName', { name: details.name, surnames: details.surnames }),
            change: detailsLink('name', t('check.changeName')),
          },
          {
            key: 'id',
            label: t('check.idDocument'),
            value:
              details.idType === ''
                ? details.idNumber
                : t('check.idDocumentValue', { type: t(`details.idType.${details.idType}`), number: details.idNumber }),
            change: detailsLink('idType', t('check.changeIdDocument')),
          },
          {
            key: 'email',
            label: t('check.email'),
            value: <span className="break-word">{details.email}</span>,
            change: detailsLink('email', t('check.changeEmail')),
          },
          { key: 'phone', label: t('check.phone'), value: details.phone, change: detailsLink('phone', t('check.changePhone')) },
          {
            key: 'language',
            label: t('check.language'),
            value: isLanguage(details.language) ? <span lang={details.language}>{LANGUAGE_NAMES[details.language]}</span> : '',
            change: detailsLink('language', t('check.changeLanguage')),
          },
          {
            key: 'needs',
            label: t('check.needs'),
            value:
              needs.length === 0 ? (
                t('check.noNeeds')
              ) : (
                <ul className="list">
                  {needs.map((need) => (
                    <li key={need}>{need}</li>
                  ))}
                </ul>
              ),
            change: detailsLink('signLanguage', t('check.changeNeeds')),
          },
        ]}
      />
    </>
  );
}
