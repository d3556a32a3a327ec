/**
 * "New appointment", step 5: check the answers, then create the appointment.
 * Field errors from the server go back to the details page; a time taken
 * meanwhile offers the free times near it; anything else is summarised here.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { isLanguage } from '../../../../shared/limits.ts';
import { ApiError } from '../../../api/client.ts';
import { createStaffAppointment, type StaffBookingBody } from '../../../api/staff-api.ts';
import { readAlternatives } from '../../../components/alternatives-chooser.tsx';
import { BackLink } from '../../../components/back-link.tsx';
import { Loading, SummaryList } from '../../../components/content.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem, problemMessage } from '../../../components/problem.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useProcedure } from '../../../hooks/use-procedure.ts';
import { capitalise, formatDayWithYear } from '../../../i18n/format.ts';
import { LANGUAGE_NAMES } from '../../../i18n/i18n.ts';
import { issuesToDetailsErrors, readIssues, validateDetails } from '../../citizen/details-validation.ts';
import { channelLabel, fullName, needsLabels } from '../staff-labels.tsx';
import { useStaffPageTitle, useStaffSession } from '../staff-session.ts';
import { finishStaffBooking, NEW_BASE, useStaffBooking } from './new-booking-state.ts';
import type { StaffDetailsLocationState } from './new-details-scene.tsx';

/** The check page. */
export function NewCheckScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const navigate = useNavigate();
  const session = useStaffSession();
  const [booking, updateBooking] = useStaffBooking();
  const [state, retry] = useProcedure(booking.procedureId ?? '');
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<{ id: string; message: string } | null>(null);
  const [submits, setSubmits] = useState(0);
  useStaffPageTitle(t('staff.new.checkTitle'), failure !== null);

  const { procedureId, channel, slot, details } = booking;
  if (!procedureId || !channel) return <Navigate to={NEW_BASE} replace />;
  if (!slot) return <Navigate to={`${NEW_BASE}/date`} replace />;
  if (!details || Object.keys(validateDetails(details)).length > 0) return <Navigate to={`${NEW_BASE}/details`} replace />;
  if (details.idType === '' || details.language === '') return <Navigate to={`${NEW_BASE}/details`} replace />;
  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  if (state.status === 'loading') return <Loading />;
  const procedure = state.data;

  const body: StaffBookingBody = {
    procedureId,
    startsAt: slot.startsAt,
    channel,
    citizen: {
      name: details.name,
      surnames: details.surnames,
      idType: details.idType,
      idNumber: details.idNumber,
      email: details.email,
      phone: details.phone,
      language: details.language,
      needs: {
        signLanguage: details.signLanguage,
        languageInterpreter: details.needsInterpreter && details.interpreterLanguage ? details.interpreterLanguage : null,
        other: details.hasOtherNeeds && details.otherNeeds ? details.otherNeeds : null,
      },
    },
  };

  const handleError = (error: unknown) => {
    if (error instanceof ApiError && error.id === 'validation_failed') {
      const { errors, other } = issuesToDetailsErrors(readIssues(error.details));
      if (Object.keys(errors).length > 0 && !other) {
        const routeState: StaffDetailsLocationState = { serverErrors: errors };
        void navigate(`${NEW_BASE}/details`, { state: routeState });
        return;
      }
    }
    if (error instanceof ApiError && error.id === 'slot_taken') {
      updateBooking({ alternatives: readAlternatives(error.details) });
      void navigate(`${NEW_BASE}/taken`);
      return;
    }
    setFailure({ id: error instanceof ApiError ? error.id : 'unexpected', message: problemMessage(error, t) });
    setSubmits((n) => n + 1);
  };

  const create = async () => {
    if (sending) return;
    setSending(true);
    setFailure(null);
    try {
      const result = await createStaffAppointment(session.csrfToken, body);
      finishStaffBooking({
        ...result,
        procedureName: procedure.name,
        startsAt: slot.startsAt,
        channel,
        citizenName: fullName(details, t),
        email: details.email,
      });
      void navigate(`${NEW_BASE}/done`);
    } catch (error) {
      handleError(error);
    } finally {
      setSending(false);
    }
  };

  const change = (to: string, label: string) => ({ to, label });
  const detailsLink = (field: string, label: string) => change(`${NEW_BASE}/details#${field}`, label);
  const needs = needsLabels(body.citizen.needs, t);

  return (
    <>
      <BackLink to={`${NEW_BASE}/details`} />
      <ErrorSummary errors={failure ? [{ message: failure.message }] : []} focusKey={submits} />
      {failure && (failure.id === 'slot_unavailable' || failure.id === 'channel_not_offered') ? (
        <p className="body">
          <Link to={failure.id === 'slot_unavailable' ? `${NEW_BASE}/date` : NEW_BASE}>
            {failure.id === 'slot_unavailable' ? t('staff.new.chooseAnotherTime') : t('staff.new.changeChannel')}
          </Link>
        </p>
      ) : null}
      <PageHeading caption={t('staff.new.caption')}>{t('staff.new.checkTitle')}</PageHeading>
      <h2 className="heading-m">{t('staff.new.appointmentHeading')}</h2>
      <SummaryList
        rows={[
          { key: 'procedure', label: t('staff.detail.procedure'), value: procedure.name, change: change(NEW_BASE, t('staff.new.changeProcedure')) },
          { key: 'channel', label: t('staff.detail.channel'), value: channelLabel(channel, t), change: change(NEW_BASE, t('staff.new.changeChannel')) },
          {
            key: 'date',
            label: t('staff.detail.date'),
            value: capitalise(formatDayWithYear(slot.date, language), language),
            change: change(`${NEW_BASE}/date`, t('staff.new.changeDate')),
          },
          { key: 'time', label: t('staff.detail.time'), value: slot.localTime, change: change(`${NEW_BASE}/time`, t('staff.new.changeTime')) },
        ]}
      />
      <h2 className="heading-m">{t('staff.detail.citizenHeading')}</h2>
      <SummaryList
        rows={[
          { key: 'name', label: t('staff.detail.name'), value: fullName(details, t), change: detailsLink('name', t('staff.new.changeName')) },
          {
            key: 'id',
            label: t('staff.detail.idDocument'),
            value: t('check.idDocumentValue', { type: t(`details.idType.${details.idType}`), number: details.idNumber }),
            change: detailsLink('idType', t('staff.new.changeIdDocument')),
          },
          {
            key: 'email',
            label: t('staff.detail.email'),
            value: <span className="break-word">{details.email}</span>,
            change: detailsLink('email', t('staff.new.changeEmail')),
          },
          { key: 'phone', label: t('staff.detail.phone'), value: details.phone, change: detailsLink('phone', t('staff.new.changePhone')) },
          {
            key: 'language',
            label: t('staff.detail.language'),
            value: isLanguage(details.language) ? <span lang={details.language}>{LANGUAGE_NAMES[details.language]}</span> : '',
            change: detailsLink('language', t('staff.new.changeLanguage')),
          },
          {
            key: 'needs',
            label: t('staff.detail.needs'),
            value:
              needs.length === 0 ? (
                t('staff.needs.none')
              ) : (
                <ul className="list">
                  {needs.map((need) => (
                    <li key={need}>{need}</li>
                  ))}
                </ul>
              ),
            change: detailsLink('signLanguage', t('staff.new.changeNeeds')),
          },
        ]}
      />
      <p className="body">
        {channel === 'video' ? t('staff.new.emailNoteVideo', { email: details.email }) : t('staff.new.emailNoteInPerson')}
      </p>
      <p className="status-line" role="status" aria-live="polite">
        {sending ? (
          <>
            <span className="spinner" aria-hidden="true" />
            {t('staff.new.sending')}
          </>
        ) : null}
      </p>
      <button type="button" className="button" onClick={() => void create()} aria-disabled={sending}>
        {t('staff.new.submit')}
      </button>
    </>
  );
}
