/**
 * How the queue gets an agent's attention when a citizen starts waiting: a
 * short two-note chime generated with the Web Audio API (no sound file to
 * load), and a system notification when the agent has allowed them. Browsers
 * only let a page make sound after the person has interacted with it, and
 * only ask for notification permission from a click (never on load), so
 * both wait for the agent.
 */

/** An on/off choice remembered on this computer: on unless turned off. */
export function rememberedChoice(key: string): { read: () => boolean; save: (on: boolean) => void } {
  return {
    read() {
      try {
        return window.localStorage.getItem(key) !== 'off';
      } catch {
        return true;
      }
    },
    save(on) {
      try {
        window.localStorage.setItem(key, on ? 'on' : 'off');
      } catch {
        // Storage may be unavailable (private mode): the choice lasts for this visit.
      }
    },
  };
}

/** Whether the agent wants the chime. */
export const soundChoice = rememberedChoice('finestreta.queue.sound');

/** Plays the chime; makes the audio context on first use (after a user gesture it may run). */
export class Chime {
  private context: AudioContext | null = null;

  /** Call from a click or key press: browsers start audio only after one (autoplay policy). */
  unlock(): void {
    if (typeof AudioContext === 'undefined') return;
    this.context ??= new AudioContext();
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
  }

  /** Two soft notes, falling (A5 then E5), about 0.45 s in all. */
  play(): void {
    const context = this.context;
    if (!context || context.state !== 'running') return;
    const start = context.currentTime + 0.02;
    [880, 659.25].forEach((frequency, i) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      const at = start + i * 0.2;
      // A quick attack and an exponential decay: a chime, not a beep.
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.26);
    });
  }

  /** Releases the audio device. */
  close(): void {
    void this.context?.close().catch(() => undefined);
    this.context = null;
  }
}

/** Where notification permission stands in this browser. */
export type NotificationPermissionState = NotificationPermission | 'unsupported';

/** The current permission, or `unsupported` (e.g. an insecure origin, some phones). */
export function notificationPermission(): NotificationPermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks for permission (call from a click only). */
export async function requestNotificationPermission(): Promise<NotificationPermissionState> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/**
 * Shows a system notification when allowed. The tag is the appointment, so
 * several tabs of the same agent show one notification, not one each;
 * clicking it brings this tab forward.
 */
export function notify(title: string, body: string, tag: string): void {
  if (notificationPermission() !== 'granted') return;
  try {
    const notification = new Notification(title, { body, tag, lang: document.documentElement.lang });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
  } catch {
    // Some browsers (Android Chrome) allow notifications only from a service worker: the sound and highlight remain.
  }
}
