/**
 * The call's text chat: the messages so far (the server keeps them with the
 * appointment's record) and a one-line form; Enter sends. New messages from
 * the others are read out by the call's announcer, so the list itself is not
 * a live region (it would read them twice).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message.tsx';
import { useLanguage } from '../../hooks/use-language.ts';
import { useOrganisation } from '../../hooks/use-organisation.ts';
import { formatInstantTime } from '../../i18n/format.ts';
import type { ChatEntry } from '../../realtime/call-types.ts';

/** Longest chat message the protocol takes. */
const CHAT_MAX = 2_000;

/** Props of {@link CallChat}. */
export interface CallChatProps {
  messages: readonly ChatEntry[];
  onSend: (text: string) => void;
  disabled: boolean;
}

/** The chat panel. */
export function CallChat({ messages, onSend, disabled }: CallChatProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { timeZone } = useOrganisation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [messages.length]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (disabled) return;
    if (!text.trim()) {
      setError(t('live.chat.empty'));
      return;
    }
    setError(null);
    onSend(text.slice(0, CHAT_MAX));
    setText('');
  };

  return (
    <section className="call-chat" aria-labelledby="call-chat-heading">
      <h2 id="call-chat-heading" className="heading-m">
        {t('live.chat.heading')}
      </h2>
      {messages.length === 0 ? (
        <p className="body staff-muted">{t('live.chat.none')}</p>
      ) : (
        <ol ref={list} className="call-chat__log" tabIndex={0} aria-label={t('live.chat.logLabel')}>
          {messages.map((m) => (
            <li key={m.id} className={m.own ? 'call-chat__message call-chat__message--own' : 'call-chat__message'}>
              <p className="call-chat__meta">
                <strong>{m.own ? t('live.call.you') : t('live.call.roleName', { role: m.from })}</strong>{' '}
                <time dateTime={m.at}>{formatInstantTime(m.at, timeZone, language)}</time>
              </p>
              <p className="call-chat__text">{m.text}</p>
            </li>
          ))}
        </ol>
      )}
      <form className="call-chat__form" onSubmit={submit} noValidate>
        <div className={error ? 'form-group form-group--error' : 'form-group'}>
          <label htmlFor="call-chat-input" className="label">
            {t('live.chat.label')}
          </label>
          {error ? <ErrorMessage id="call-chat-error" message={error} /> : null}
          <div className="call-chat__row">
            <input
              id="call-chat-input"
              name="message"
              type="text"
              className={error ? 'input input--error' : 'input'}
              value={text}
              maxLength={CHAT_MAX}
              autoComplete="off"
              aria-describedby={error ? 'call-chat-error' : undefined}
              aria-invalid={error ? true : undefined}
              onChange={(event) => setText(event.target.value)}
            />
            <button type="submit" className="button button--inline" aria-disabled={disabled}>
              {t('live.chat.send')}
            </button>
          </div>
        </div>
      </form>
    </section>
  );
}
