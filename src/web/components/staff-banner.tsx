/**
 * The success banner of the staff pages (GOV.UK notification banner, success
 * variant): it takes focus when its message changes, so screen readers read
 * it out and keyboard users continue from there.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** Props of {@link StaffSuccessBanner}. */
export interface StaffSuccessBannerProps {
  /** What just happened, as a sentence. */
  message: string;
  /** More about it, shown below in normal weight. */
  detail?: string | undefined;
}

/** A success message at the top of the page. */
export function StaffSuccessBanner({ message, detail }: StaffSuccessBannerProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [message]);
  return (
    <div ref={ref} className="staff-banner" role="alert" tabIndex={-1} aria-labelledby="banner-title">
      <h2 id="banner-title" className="staff-banner__title">
        {t('staff.detail.successTitle')}
      </h2>
      <p className="staff-banner__text">{message}</p>
      {detail ? <p className="staff-banner__detail">{detail}</p> : null}
    </div>
  );
}
