/**
 * The queue's alert settings: the chime on or off (a toggle button,
 * remembered on this computer) and system notifications, which the browser
 * lets a page ask for only from a click — so a button asks, never the page
 * on load. When the browser has blocked them, the text says where to change it.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { notificationPermission, requestNotificationPermission, soundChoice, type NotificationPermissionState } from './queue-alerts.ts';

/** A setting that is on or off: a button that reads as pressed when on. */
export function ToggleButton({ pressed, onToggle, children }: { pressed: boolean; onToggle: (on: boolean) => void; children: ReactNode }) {
  return (
    <button type="button" className="button button--secondary button--inline" aria-pressed={pressed} onClick={() => onToggle(!pressed)}>
      {children}
    </button>
  );
}

/** Props of {@link QueueAlertSettings}. */
export interface QueueAlertSettingsProps {
  sound: boolean;
  onSoundChange: (on: boolean) => void;
}

/** The two settings, side by side. */
export function QueueAlertSettings({ sound, onSoundChange }: QueueAlertSettingsProps) {
  const { t } = useTranslation();
  const [permission, setPermission] = useState<NotificationPermissionState>(() => notificationPermission());
  // The agent may allow or block notifications in the browser's site settings while the page is open.
  useEffect(() => {
    let status: PermissionStatus | null = null;
    let gone = false;
    const changed = () => setPermission(notificationPermission());
    navigator.permissions
      ?.query({ name: 'notifications' })
      .then((s) => {
        if (gone) return;
        status = s;
        s.addEventListener('change', changed);
      })
      .catch(() => undefined);
    return () => {
      gone = true;
      status?.removeEventListener('change', changed);
    };
  }, []);
  return (
    <section className="queue-alerts" aria-labelledby="queue-alerts-heading">
      <h2 id="queue-alerts-heading" className="heading-s">
        {t('live.queue.alertsHeading')}
      </h2>
      <div className="queue-alerts__row">
        <ToggleButton
          pressed={sound}
          onToggle={(on) => {
            soundChoice.save(on);
            onSoundChange(on);
          }}
        >
          {t('live.queue.soundToggle')}
        </ToggleButton>
        {permission === 'default' ? (
          <button
            type="button"
            className="button button--secondary button--inline"
            onClick={() => void requestNotificationPermission().then(setPermission)}
          >
            {t('live.queue.enableNotifications')}
          </button>
        ) : (
          <p className="body queue-alerts__state">{t('live.queue.notificationState', { state: permission })}</p>
        )}
      </div>
    </section>
  );
}
