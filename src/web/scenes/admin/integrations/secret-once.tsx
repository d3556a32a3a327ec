/**
 * A secret shown once, right after it was made (an API key, a webhook's
 * signing secret): in its own box, selectable as a whole, with a warning
 * that it will not be shown again and a button to put it away.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { WarningText } from '../../../components/content.tsx';

/** Props of {@link SecretOnce}. */
export interface SecretOnceProps {
  id: string;
  title: string;
  label: string;
  value: string;
  onDone: () => void;
}

/** The box with the secret; its heading takes focus when it appears. */
export function SecretOnce({ id, title, label, value, onDone }: SecretOnceProps) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [value]);
  return (
    <section className="secret-once" aria-labelledby={id}>
      <h2 id={id} ref={heading} tabIndex={-1} className="heading-m">
        {title}
      </h2>
      <WarningText>{t('adminIntegrations.integrations.secret.warning')}</WarningText>
      <p className="body">
        <span className="secret-once__label">{label}</span>
        <code className="secret-once__value" data-testid="secret-value">
          {value}
        </code>
      </p>
      <button type="button" className="button button--secondary" onClick={onDone}>
        {t('adminIntegrations.integrations.secret.done')}
      </button>
    </section>
  );
}
