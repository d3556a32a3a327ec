/**
 * What the call says aloud (and shows in its status line) when something
 * changes: someone joins or leaves, the connection drops or comes back, a
 * camera or microphone goes off, a message arrives, the video pauses for a
 * poor network. One ICU message per kind, the role as a `select`.
 */
import type { TFunction } from 'i18next';
import type { CallNotice } from '../../realtime/call-types.ts';

/** The sentence for one notice, or null when it is not worth interrupting anyone for. */
export function noticeText(notice: CallNotice, t: TFunction): string | null {
  switch (notice.kind) {
    case 'peer_joined':
      return t('live.notice.peerJoined', { role: notice.role ?? 'other' });
    case 'peer_left':
      return t('live.notice.peerLeft', { role: notice.role ?? 'other' });
    case 'peer_connection':
      if (notice.state === 'closed') return null;
      return t('live.notice.peerConnection', { role: notice.role ?? 'other', state: notice.state });
    case 'peer_media':
      return t('live.notice.peerMedia', { role: notice.role ?? 'other', what: notice.what, on: notice.on ? 'on' : 'off' });
    case 'chat':
      return t('live.notice.chat', { role: notice.from, text: notice.text });
    case 'local':
      return t('live.notice.local', { what: notice.what, on: notice.on ? 'on' : 'off' });
    case 'audio_only':
      return notice.on ? t('live.notice.audioOnly') : t('live.notice.videoBack');
    case 'media_problem':
      return t('live.notice.mediaProblem', { device: notice.device, problem: notice.problem });
  }
}
