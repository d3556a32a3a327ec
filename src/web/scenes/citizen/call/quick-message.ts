/** The agent's quick messages in the citizen's language (the server sends only the template and its values). */
import type { TFunction } from 'i18next';
import type { QuickMessage } from '../../../../shared/signalling.ts';

/** The sentence for one quick message. */
export function quickMessageText(message: QuickMessage, t: TFunction): string {
  switch (message.template) {
    case 'running_late':
      return t('call.waiting.quick.running_late', { minutes: message.minutes });
    case 'coming_now':
      return t('call.waiting.quick.coming_now');
    case 'check_audio':
      return t('call.waiting.quick.check_audio');
    case 'have_documents_ready':
      return t('call.waiting.quick.have_documents_ready');
  }
}
