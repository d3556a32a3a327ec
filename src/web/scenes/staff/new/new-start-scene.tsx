/**
 * "New appointment", step 1: the procedure and how the citizen will be
 * attended (video call or in person at the office). Used when a citizen
 * phones or comes to the desk and an agent books for them.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { fetchProcedures } from '../../../api/public-api.ts';
import type { Channel } from '../../../api/staff-api.ts';
import { Loading } from '../../../components/content.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { LoadProblem } from '../../../components/problem.tsx';
import { Radios } from '../../../components/radios.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { channelLabel } from '../staff-labels.tsx';
import { useStaffPageTitle } from '../staff-session.ts';
import { NEW_BASE, useStaffBooking } from './new-booking-state.ts';

type Errors = { procedure?: string; channel?: string };

const CHANNELS: readonly Channel[] = ['in_person', 'video'];

function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

/** The first page of the journey. */
export function NewStartScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const navigate = useNavigate();
  const [booking, updateBooking] = useStaffBooking();
  const [state, retry] = useLoad((signal) => fetchProcedures(language, signal), [language]);
  const [procedureId, setProcedureId] = useState(booking.procedureId ?? '');
  const [channel, setChannel] = useState<Channel | ''>(booking.channel ?? '');
  const [errors, setErrors] = useState<Errors>({});
  const [submits, setSubmits] = useState(0);
  const hasErrors = Boolean(errors.procedure ?? errors.channel);
  useStaffPageTitle(t('staff.new.startTitle'), hasErrors);

  if (state.status === 'error') return <LoadProblem error={state.error} onRetry={retry} />;
  if (state.status === 'loading') return <Loading />;
  const procedures = state.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const procedure = procedures.find((p) => p.id === procedureId);
    const found: Errors = {};
    if (!procedure) found.procedure = t('staff.new.errors.procedureRequired');
    if (channel === '') found.channel = t('staff.new.errors.channelRequired');
    else if (procedure && !procedure.channels.includes(channel)) {
      found.channel = t('staff.new.errors.channelNotOffered', { channel: channelLabel(channel, t) });
    }
    setErrors(found);
    if (!procedure || channel === '' || Object.keys(found).length > 0) {
      setSubmits((n) => n + 1);
      return;
    }
    const same = booking.procedureId === procedure.id;
    updateBooking({
      procedureId: procedure.id,
      channel,
      date: same ? booking.date : null,
      slot: same ? booking.slot : null,
      alternatives: null,
    });
    void navigate(`${NEW_BASE}/date`);
  };

  const summary = [
    ...(errors.procedure ? [{ message: errors.procedure, fieldId: 'procedure' }] : []),
    ...(errors.channel ? [{ message: errors.channel, fieldId: 'channel' }] : []),
  ];

  return (
    <>
      <ErrorSummary errors={summary} focusKey={submits} />
      <PageHeading caption={t('staff.new.caption')}>{t('staff.new.startTitle')}</PageHeading>
      <p className="body">{t('staff.new.startIntro')}</p>
      {procedures.length === 0 ? (
        <p className="body">{t('staff.new.noProcedures')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Radios
            id="procedure"
            name="procedure"
            legend={<span className="fieldset__legend--m">{t('staff.new.procedureLegend')}</span>}
            error={errors.procedure}
            value={procedureId}
            onChange={(value) => {
              setProcedureId(value);
              setErrors((e) => ({ ...e, procedure: undefined }));
            }}
            options={procedures.map((p) => ({
              value: p.id,
              label: p.name,
              hint: t('staff.new.procedureHint', {
                minutes: p.durationMinutes,
                channels: p.channels.map((c) => channelLabel(c, t)).join(' · '),
              }),
            }))}
          />
          <Radios
            id="channel"
            name="channel"
            legend={<span className="fieldset__legend--m">{t('staff.new.channelLegend')}</span>}
            hint={t('staff.new.channelHint')}
            error={errors.channel}
            value={channel}
            onChange={(value) => {
              if (isChannel(value)) setChannel(value);
              setErrors((e) => ({ ...e, channel: undefined }));
            }}
            options={CHANNELS.map((c) => ({ value: c, label: channelLabel(c, t) }))}
          />
          <button type="submit" className="button">
            {t('common.continue')}
          </button>
        </form>
      )}
    </>
  );
}
