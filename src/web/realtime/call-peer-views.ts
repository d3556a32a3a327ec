/** The participants of a call as the view shows them, made from the session's connections. */
import type { PeerLink } from './call-peer.ts';
import type { PeerView } from './call-types.ts';

/** What the view shows of each connection: who, its state, what they send and what has arrived. */
export function peerViews(
  links: Iterable<Pick<PeerLink, 'peerId' | 'role' | 'remoteStream' | 'state'>>,
  media: ReadonlyMap<string, { audio: boolean; video: boolean; screen: boolean }>,
  received: (peerId: string) => PeerView['received'],
): PeerView[] {
  return [...links].map((link) => ({
    peerId: link.peerId,
    role: link.role,
    stream: link.remoteStream,
    connection: link.state,
    ...(media.get(link.peerId) ?? { audio: true, video: true, screen: false }),
    received: received(link.peerId),
  }));
}

/**
 * Whether two lists of peer views show the same thing (then the previous
 * list is kept, so React does not render again every statistics round). A
 * stream with another number of tracks is a change: the picture's element
 * must learn of the new track.
 */
export function samePeers(before: readonly PeerView[], after: readonly PeerView[]): boolean {
  return (
    before.length === after.length &&
    after.every((p, i) => {
      const q = before[i];
      return (
        q !== undefined &&
        q.peerId === p.peerId &&
        q.role === p.role &&
        q.connection === p.connection &&
        q.audio === p.audio &&
        q.video === p.video &&
        q.screen === p.screen &&
        q.stream === p.stream &&
        q.received.framesDecoded === p.received.framesDecoded &&
        q.received.audioPacketsReceived === p.received.audioPacketsReceived &&
        q.stream.getTracks().length === p.stream.getTracks().length
      );
    })
  );
}
