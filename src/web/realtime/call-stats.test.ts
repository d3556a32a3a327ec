import { describe, expect, it } from 'vitest';
import { BANDWIDTH_POLICY } from './call-bandwidth.ts';
import type { PeerConnectionState } from './call-peer.ts';
import { peerViews, samePeers } from './call-peer-views.ts';
import { CallStatistics, type StatsSource } from './call-stats.ts';

/** A connection whose statistics say what arrived and how thin the way out is. */
function link(state: PeerConnectionState, frames: number, bitrate: number): StatsSource {
  let sent = 0;
  const report = () =>
    new Map<string, Record<string, unknown>>([
      ['IV', { id: 'IV', type: 'inbound-rtp', kind: 'video', framesDecoded: frames }],
      ['IA', { id: 'IA', type: 'inbound-rtp', kind: 'audio', packetsReceived: frames * 2 }],
      ['CP', { id: 'CP', type: 'candidate-pair', availableOutgoingBitrate: bitrate, nominated: true, state: 'succeeded' }],
      // Media flows out: 100 packets between two readings, none lost.
      ['OV', { id: 'OV', type: 'outbound-rtp', kind: 'video', packetsSent: (sent += 100) }],
    ]);
  return { state, getStats: () => Promise.resolve(report() as unknown as RTCStatsReport) };
}

const closed: StatsSource = { state: 'closed', getStats: () => Promise.reject(new Error('closed')) };

describe('the statistics of a call', () => {
  it('keeps what arrived from each participant, skips a connection closed meanwhile, and forgets one that left', async () => {
    const stats = new CallStatistics();
    await stats.sample([
      ['agent', link('connected', 120, 1_000_000)],
      ['gone', closed],
    ]);
    expect(stats.receivedFrom('agent')).toEqual({ framesDecoded: 120, audioPacketsReceived: 240 });
    expect(stats.receivedFrom('gone')).toEqual({ framesDecoded: 0, audioPacketsReceived: 0 });
    stats.forget('agent');
    expect(stats.receivedFrom('agent')).toEqual({ framesDecoded: 0, audioPacketsReceived: 0 });
  });

  it('calls the way out poor only after it settled and stayed thin, and judges afresh once the video is wanted again', async () => {
    const stats = new CallStatistics();
    const thin = link('connected', 10, 90_000);
    let now = 1_000_000;
    const round = async () => (await stats.sample([['citizen', thin]], (now += 2_000))).poor;
    // Right after connecting a thin estimate is not judged.
    expect(await round()).toBe(false);
    while (now < 1_000_000 + BANDWIDTH_POLICY.settleMs) expect(await round()).toBe(false);
    let poor = false;
    for (let i = 0; i < BANDWIDTH_POLICY.poorSamples + 1; i++) poor = await round();
    expect(poor).toBe(true);
    stats.resetBandwidth();
    expect(await round()).toBe(false);
  });
});

describe('the participants as the view shows them', () => {
  const stream = (tracks: number) => ({ getTracks: () => Array.from({ length: tracks }) }) as unknown as MediaStream;
  const a = stream(2);
  const first = { peerId: 'p1', role: 'agent' as const, remoteStream: a, state: 'connected' as const };
  const links = [first];
  const received = () => ({ framesDecoded: 5, audioPacketsReceived: 9 });

  it('says what each sends (everything until told otherwise) and what arrived', () => {
    const views = peerViews(links, new Map(), received);
    expect(views).toEqual([{ peerId: 'p1', role: 'agent', stream: a, connection: 'connected', audio: true, video: true, screen: false, received: { framesDecoded: 5, audioPacketsReceived: 9 } }]);
    expect(peerViews(links, new Map([['p1', { audio: true, video: false, screen: false }]]), received)[0]?.video).toBe(false);
  });

  it('is the same while nothing shown changed, and different for new counters, a new stream or a new track', () => {
    const before = peerViews(links, new Map(), received);
    expect(samePeers(before, peerViews(links, new Map(), received))).toBe(true);
    expect(samePeers(before, peerViews(links, new Map(), () => ({ framesDecoded: 6, audioPacketsReceived: 9 })))).toBe(false);
    expect(samePeers(before, peerViews([{ ...first, remoteStream: stream(2) }], new Map(), received))).toBe(false);
    expect(samePeers(before, [])).toBe(false);
  });
});
