/** An inline field error, linked to its control by `aria-describedby`. */
import { useTranslation } from 'react-i18next';

/** Renders the message with a visually hidden "Error:" so it is not conveyed by colour alone. */
export function ErrorMessage({ id, message }: { id: string; message: string }) {
  const { t } = useTranslation();
  return (
    <p id={id} className="error-message">
      <span className="visually-hidden">{t('common.errorPrefix')} </span>
      {message}
    </p>
  );
}

/** Joins the ids of a control's hint and error for `aria-describedby` (undefined when none). */
export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === 'string' && id.length > 0);
  return present.length > 0 ? present.join(' ') : undefined;
}
