/**
 * The agent's quick messages to a waiting citizen: fixed templates (the
 * citizen's page translates them into the citizen's language), "running late"
 * with a number of minutes the protocol bounds to 1–120.
 */
import type { QuickMessage } from '../../../../shared/signalling.ts';

/** The templates, in the order offered. */
export const MESSAGE_TEMPLATES = ['coming_now', 'running_late', 'check_audio', 'have_documents_ready'] as const;

/** The template chosen, with the minutes typed for "running late" (as typed). */
export interface MessageChoice {
  template: (typeof MESSAGE_TEMPLATES)[number] | '';
  minutes: string;
}

/** The message to send for a choice, or the problem with it (an error key). */
export function quickMessageOf(choice: MessageChoice): { message: QuickMessage } | { error: 'template' | 'minutes' } {
  switch (choice.template) {
    case '':
      return { error: 'template' };
    case 'running_late': {
      const text = choice.minutes.trim();
      const minutes = Number(text);
      if (!/^\d{1,3}$/.test(text) || minutes < 1 || minutes > 120) return { error: 'minutes' };
      return { message: { template: 'running_late', minutes } };
    }
    default:
      return { message: { template: choice.template } };
  }
}
