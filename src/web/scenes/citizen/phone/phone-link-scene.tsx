/**
 * The address a phone link opens (`/u/<token>`): it hands the token to the
 * server once (which sets the phone's uploader cookie), then replaces the
 * address with `/u` so the token stays neither on screen nor in the
 * browser's history. A link that does not work gets its own page.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { UPLOADER_PAGE, type UploaderView } from '../../../../shared/uploader.ts';
import { isLanguage } from '../../../../shared/limits.ts';
import { openPhoneLink } from '../../../api/uploader-api.ts';
import { Loading } from '../../../components/content.tsx';
import { storedLanguage } from '../../../i18n/i18n.ts';
import { PhoneProblem } from './phone-problem.tsx';

// A link opens once: a second render of this page (React's development
// double effects, a quick re-mount) must reuse the first answer, not spend the link again.
const opening = new Map<string, Promise<UploaderView>>();

function openOnce(token: string): Promise<UploaderView> {
  const known = opening.get(token);
  if (known) return known;
  const started = openPhoneLink(token);
  opening.set(token, started);
  return started;
}

/** `/u/:token`. */
export function PhoneLinkScene() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { i18n } = useTranslation();
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    openOnce(token).then(
      (view) => {
        if (!current) return;
        // The appointment's language, unless this phone has already chosen one.
        if (storedLanguage() === null && isLanguage(view.language) && view.language !== i18n.language) void i18n.changeLanguage(view.language);
        void navigate(UPLOADER_PAGE, { replace: true });
      },
      (failure: unknown) => {
        if (current) setError(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [token, navigate, i18n]);

  if (error) return <PhoneProblem error={error} />;
  return <Loading />;
}
