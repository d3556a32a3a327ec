import { describe, expect, it } from 'vitest';
import {
  BANDWIDTH_POLICY,
  EMPTY_HISTORY,
  isPoorSample,
  lossBetween,
  readOutgoing,
  readReceived,
  recordOutgoing,
  shouldFallBackToAudio,
  type BandwidthSample,
  type StatsLike,
} from './call-bandwidth.ts';

const good: BandwidthSample = { availableOutgoingBitrate: 1_500_000, lossFraction: 0.01 };
const thin: BandwidthSample = { availableOutgoingBitrate: 90_000, lossFraction: 0 };
const lossy: BandwidthSample = { availableOutgoingBitrate: 2_000_000, lossFraction: 0.25 };
const unknown: BandwidthSample = { availableOutgoingBitrate: null, lossFraction: null };

/** A stats report as `getStats()` gives it: a Map of stats objects by id. */
function report(...stats: Record<string, unknown>[]): StatsLike {
  return new Map(stats.map((s, i) => [typeof s.id === 'string' ? s.id : String(i), s]));
}

describe('audio-only fallback', () => {
  it('calls a reading poor for a low bandwidth estimate or a high loss, never for unknown figures', () => {
    expect(isPoorSample(good)).toBe(false);
    expect(isPoorSample(thin)).toBe(true);
    expect(isPoorSample(lossy)).toBe(true);
    expect(isPoorSample(unknown)).toBe(false);
  });

  it('does not call a low estimate poor while the encoder says the picture is not held back for bandwidth', () => {
    // A still picture (an ID card held up) needs little, so the estimate stays low while the video goes out whole.
    expect(isPoorSample({ ...thin, videoLimitedBy: 'none' })).toBe(false);
    expect(isPoorSample({ ...thin, videoLimitedBy: 'cpu' })).toBe(false);
    expect(isPoorSample({ ...thin, videoLimitedBy: 'bandwidth' })).toBe(true);
    // A browser that does not say is judged on the estimate.
    expect(isPoorSample({ ...thin, videoLimitedBy: null })).toBe(true);
    // Loss is loss, whatever the encoder does.
    expect(isPoorSample({ ...lossy, videoLimitedBy: 'none' })).toBe(true);
    const still = { ...thin, videoLimitedBy: 'none' };
    expect(shouldFallBackToAudio([still, still, still, still])).toBe(false);
  });

  it('falls back only after several poor readings in a row', () => {
    expect(shouldFallBackToAudio([])).toBe(false);
    expect(shouldFallBackToAudio([thin, thin])).toBe(false);
    expect(shouldFallBackToAudio([thin, lossy, thin])).toBe(true);
    expect(shouldFallBackToAudio([good, thin, thin, thin])).toBe(true);
    // One good reading among the latest keeps the video.
    expect(shouldFallBackToAudio([thin, thin, good, thin, thin])).toBe(false);
    expect(shouldFallBackToAudio([thin, thin, thin, good])).toBe(false);
    expect(BANDWIDTH_POLICY.poorSamples).toBe(3);
  });

  it('judges a connection only once it has been up for a while, and forgets what an outage left behind', () => {
    const { settleMs } = BANDWIDTH_POLICY;
    let sent = 0;
    let lost = 0;
    /** A reading every 2 s: `bitrate` estimated, `lostNow` of the 100 packets sent since the last one lost. */
    const reading = (bitrate: number, lostNow = 0) => {
      sent += 100;
      lost += lostNow;
      return { availableOutgoingBitrate: bitrate, counters: { packetsSent: sent, packetsLost: lost }, videoLimitedBy: null };
    };
    let history = EMPTY_HISTORY;
    let now = 0;
    const step = (bitrate: number, connected: boolean, lostNow = 0) => {
      now += 2_000;
      history = recordOutgoing(history, reading(bitrate, lostNow), connected, now);
    };
    // A thin path right after connecting is not judged until it has settled.
    step(90_000, true);
    const start = now;
    while (now - start < settleMs - 2_000) step(90_000, true);
    expect(history.samples).toEqual([]);
    for (let i = 0; i < 3; i++) step(90_000, true);
    expect(shouldFallBackToAudio(history.samples)).toBe(true);
    // An outage: the estimate decays while no feedback comes; nothing is kept.
    for (let i = 0; i < 4; i++) step(60_000, false);
    expect(history).toMatchObject({ samples: [], connectedAt: null });
    // Back: the first loss report counts the outage's packets, and the estimate climbs back, unjudged while settling.
    step(100_000, true, 400);
    while (now - (history.connectedAt ?? now) < settleMs - 2_000) step(140_000, true);
    expect(history.samples).toEqual([]);
    step(600_000, true);
    expect(history.samples).toEqual([{ availableOutgoingBitrate: 600_000, lossFraction: 0, videoLimitedBy: null }]);
    expect(shouldFallBackToAudio(history.samples)).toBe(false);
  });

  it('turns cumulative counters into the share lost between two readings', () => {
    expect(lossBetween(null, { packetsSent: 100, packetsLost: 5 })).toBeCloseTo(0.05);
    expect(lossBetween({ packetsSent: 100, packetsLost: 5 }, { packetsSent: 300, packetsLost: 45 })).toBeCloseTo(0.2);
    expect(lossBetween({ packetsSent: 100, packetsLost: 5 }, { packetsSent: 100, packetsLost: 5 })).toBeNull();
    // Counters reset by a renegotiation never give a negative loss.
    expect(lossBetween({ packetsSent: 100, packetsLost: 50 }, { packetsSent: 200, packetsLost: 10 })).toBe(0);
  });

  it('reads the selected candidate pair’s estimate and the outgoing counters from a stats report', () => {
    const stats = report(
      { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP2' },
      { id: 'CP1', type: 'candidate-pair', availableOutgoingBitrate: 5_000_000, nominated: false, state: 'failed' },
      { id: 'CP2', type: 'candidate-pair', availableOutgoingBitrate: 120_000, nominated: true, state: 'succeeded' },
      { id: 'OA', type: 'outbound-rtp', kind: 'audio', packetsSent: 400 },
      { id: 'OV', type: 'outbound-rtp', kind: 'video', packetsSent: 600, qualityLimitationReason: 'bandwidth' },
      { id: 'RV', type: 'remote-inbound-rtp', kind: 'video', packetsLost: 30 },
    );
    expect(readOutgoing(stats)).toEqual({ availableOutgoingBitrate: 120_000, counters: { packetsSent: 1000, packetsLost: 30 }, videoLimitedBy: 'bandwidth' });
  });

  it('falls back to the nominated pair when the transport does not name one, and says nothing before media flows', () => {
    const stats = report({ id: 'CP', type: 'candidate-pair', availableOutgoingBitrate: 800_000, nominated: true, state: 'succeeded' });
    expect(readOutgoing(stats)).toEqual({ availableOutgoingBitrate: 800_000, counters: null, videoLimitedBy: null });
  });

  it('reads why the video encoder reduces the picture; one simulcast layer held back for bandwidth is enough', () => {
    const layers = (...reasons: string[]) =>
      report(...reasons.map((reason, i) => ({ id: `OV${i}`, type: 'outbound-rtp', kind: 'video', packetsSent: 10, qualityLimitationReason: reason })));
    expect(readOutgoing(layers('none')).videoLimitedBy).toBe('none');
    expect(readOutgoing(layers('none', 'bandwidth', 'cpu')).videoLimitedBy).toBe('bandwidth');
    // Audio has no such figure.
    expect(readOutgoing(report({ id: 'OA', type: 'outbound-rtp', kind: 'audio', packetsSent: 10 })).videoLimitedBy).toBeNull();
  });

  it('keeps the encoder’s limitation in the readings it judges', () => {
    let history = EMPTY_HISTORY;
    const settled = BANDWIDTH_POLICY.settleMs + 1;
    history = recordOutgoing(history, { availableOutgoingBitrate: 90_000, counters: { packetsSent: 100, packetsLost: 0 }, videoLimitedBy: 'none' }, true, 0);
    for (let i = 1; i <= 3; i++)
      history = recordOutgoing(history, { availableOutgoingBitrate: 90_000, counters: { packetsSent: 100 + i * 100, packetsLost: 0 }, videoLimitedBy: 'none' }, true, settled + i * 2_000);
    expect(history.samples).toHaveLength(3);
    expect(history.samples.every((sample) => sample.videoLimitedBy === 'none')).toBe(true);
    expect(shouldFallBackToAudio(history.samples)).toBe(false);
  });

  it('counts decoded video frames and received audio packets', () => {
    const stats = report(
      { id: 'IV', type: 'inbound-rtp', kind: 'video', framesDecoded: 42, packetsReceived: 900 },
      { id: 'IA', type: 'inbound-rtp', kind: 'audio', packetsReceived: 250 },
      { id: 'OV', type: 'outbound-rtp', kind: 'video', framesEncoded: 50 },
    );
    expect(readReceived(stats)).toEqual({ framesDecoded: 42, audioPacketsReceived: 250 });
    expect(readReceived(report())).toEqual({ framesDecoded: 0, audioPacketsReceived: 0 });
  });
});
