import { describe, expect, it } from 'vitest';
import { CallChat } from './call-chat.ts';

const fromServer = (messageId: string, from: 'agent' | 'citizen', text: string) => ({ type: 'chat' as const, appointmentId: 'a1', messageId, from, text, at: '2026-11-30T10:00:00.000Z' });

describe('the call’s chat', () => {
  it('shows a message sent here at once, and puts the server’s record in its place when the echo comes', () => {
    const chat = new CallChat('citizen');
    chat.sent('Hola', new Date('2026-11-30T09:59:59.000Z'));
    expect(chat.entries).toEqual([{ id: 'local-1', from: 'citizen', text: 'Hola', at: '2026-11-30T09:59:59.000Z', own: true }]);
    expect(chat.received(fromServer('m1', 'citizen', 'Hola'))).toEqual({ announce: false });
    expect(chat.entries).toEqual([{ id: 'm1', from: 'citizen', text: 'Hola', at: '2026-11-30T10:00:00.000Z', own: true }]);
  });

  it('adds the others’ messages once, to be announced, however often they arrive', () => {
    const chat = new CallChat('citizen');
    expect(chat.received(fromServer('m2', 'agent', 'Bon dia'))).toEqual({ announce: true });
    expect(chat.received(fromServer('m2', 'agent', 'Bon dia'))).toBeNull();
    expect(chat.entries.map((e) => [e.id, e.own])).toEqual([['m2', false]]);
  });

  it('keeps each snapshot as it was: a change makes a new list', () => {
    const chat = new CallChat('agent');
    const before = chat.entries;
    chat.sent('Un moment');
    expect(before).toEqual([]);
    expect(chat.entries).not.toBe(before);
  });
});
