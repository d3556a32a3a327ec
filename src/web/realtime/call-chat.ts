/**
 * A call's chat as this participant sees it: a message sent here shows at
 * once (a local copy) and is replaced by the server's echo, which carries
 * the id and time under which the server kept it in the appointment's
 * history (it is part of the evidence); others' messages are added once
 * each, however often they arrive (a resumed connection may repeat them).
 */
import type { ParticipantRole } from '../../shared/signalling.ts';
import type { ChatEntry, ServerMessageOf } from './call-types.ts';

/** The chat's messages (a new array after every change, for the call's snapshots). */
export class CallChat {
  private current: ChatEntry[] = [];
  private localSeq = 0;

  constructor(private readonly role: ParticipantRole) {}

  /** The messages, oldest first. */
  get entries(): ChatEntry[] {
    return this.current;
  }

  /** Shows a message sent from here until the server's echo replaces it. */
  sent(text: string, at = new Date()): void {
    this.localSeq += 1;
    this.current = [...this.current, { id: `local-${this.localSeq}`, from: this.role, text, at: at.toISOString(), own: true }];
  }

  /** Takes a message from the server; answers whether it is someone else's new message (worth announcing), or null when nothing changed. */
  received(m: ServerMessageOf<'chat'>): { announce: boolean } | null {
    if (this.current.some((c) => c.id === m.messageId)) return null;
    const entry: ChatEntry = { id: m.messageId, from: m.from, text: m.text, at: m.at, own: m.from === this.role };
    // The server's echo of a message sent here replaces the copy shown when it was sent.
    const pending = entry.own ? this.current.findIndex((c) => c.id.startsWith('local-') && c.text === m.text) : -1;
    if (pending >= 0) {
      this.current = this.current.map((c, i) => (i === pending ? entry : c));
      return { announce: false };
    }
    this.current = [...this.current, entry];
    return { announce: !entry.own };
  }
}
