/**
 * The boxes the queue opens in place for one citizen: a quick message (fixed
 * templates, which the citizen reads translated into their own language; the
 * "running late" one with the minutes) and the no-show confirmation. Each
 * box's heading takes focus when it opens; closing it hands focus back.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueEntry, QuickMessage } from '../../../../shared/signalling.ts';
import { Radios } from '../../../components/radios.tsx';
import { StaffConfirm } from '../../../components/staff-confirm.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { MESSAGE_TEMPLATES, quickMessageOf, type MessageChoice } from './quick-message.ts';

/** Props of {@link QuickMessageBox}. */
export interface QuickMessageBoxProps {
  entry: QueueEntry;
  onSend: (message: QuickMessage) => void;
  onCancel: () => void;
}

/** Choosing and sending a quick message to a waiting citizen. */
export function QuickMessageBox({ entry, onSend, onCancel }: QuickMessageBoxProps) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<MessageChoice>({ template: '', minutes: '' });
  const [error, setError] = useState<'template' | 'minutes' | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = quickMessageOf(choice);
    if ('error' in result) {
      setError(result.error);
      document.getElementById(result.error === 'template' ? 'quick-template' : 'quick-minutes')?.focus();
      return;
    }
    onSend(result.message);
  };
  return (
    <StaffConfirm id="quick-message-title" title={t('live.queue.messageTitle', { name: entry.citizenName })}>
      <form onSubmit={submit} noValidate>
        <Radios
          id="quick-template"
          name="template"
          legend={t('live.queue.messageLegend')}
          hint={t('live.queue.messageHint')}
          value={choice.template}
          error={error === 'template' ? t('live.queue.messageTemplateError') : undefined}
          onChange={(value) => setChoice({ ...choice, template: value as MessageChoice['template'] })}
          options={MESSAGE_TEMPLATES.map((template) => ({ value: template, label: t('live.queue.template', { template }) }))}
          small
        />
        {choice.template === 'running_late' ? (
          <TextField
            id="quick-minutes"
            name="minutes"
            label={t('live.queue.minutesLabel')}
            hint={t('live.queue.minutesHint')}
            value={choice.minutes}
            onChange={(minutes) => setChoice({ ...choice, minutes })}
            inputMode="numeric"
            width="quarter"
            maxLength={3}
            error={error === 'minutes' ? t('live.queue.minutesError') : undefined}
          />
        ) : null}
        <div className="button-group">
          <button type="submit" className="button">
            {t('live.queue.sendMessage')}
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('live.queue.cancel')}
          </button>
        </div>
      </form>
    </StaffConfirm>
  );
}

/** Props of {@link NoShowConfirm}. */
export interface NoShowConfirmProps {
  entry: QueueEntry;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Confirming that a citizen did not come (the appointment ends as desisted; they are told by email). */
export function NoShowConfirm({ entry, onConfirm, onCancel }: NoShowConfirmProps) {
  const { t } = useTranslation();
  return (
    <StaffConfirm id="no-show-title" title={t('live.queue.noShowTitle', { name: entry.citizenName })}>
      <p className="body">{t('live.queue.noShowText')}</p>
      <div className="button-group">
        <button type="button" className="button button--warning" onClick={onConfirm}>
          {t('live.queue.noShowConfirm')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('live.queue.cancel')}
        </button>
      </div>
    </StaffConfirm>
  );
}
