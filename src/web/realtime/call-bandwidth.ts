/**
 * When a call should stop sending video: read from `RTCPeerConnection.getStats()`
 * how much the network says it can carry (`availableOutgoingBitrate` of the
 * selected candidate pair) and how many of our packets the other side reports
 * lost (`remote-inbound-rtp`, from its RTCP receiver reports, RFC 3550 §6.4.1),
 * and fall back to audio only after a few poor samples in a row, so one bad
 * second does not cut the picture. Pure functions, so the decision is tested
 * without a browser.
 *
 * A low estimate alone is not a poor path: the estimate only grows with what
 * is actually sent, so a picture that needs little (someone sitting still,
 * an ID card held up) keeps it low, and after a network drop it may stay
 * under the threshold for a long time while the video goes out whole. So a
 * low estimate counts only when the video encoder says it is holding the
 * picture back for bandwidth (`outbound-rtp.qualityLimitationReason`), or
 * when the browser does not say. Loss counts always.
 */

/** One reading of the outgoing path, taken every few seconds. */
export interface BandwidthSample {
  /** The sender's bandwidth estimate for the selected candidate pair, bits/s; null when the browser does not say. */
  availableOutgoingBitrate: number | null;
  /** Share of our packets lost since the previous reading (0–1); null when unknown. */
  lossFraction: number | null;
  /**
   * Why the video encoder reduces the picture (`qualityLimitationReason`:
   * "none", "bandwidth", "cpu", "other"); null when the browser does not
   * say or no video goes out. Absent in older readings: unknown.
   */
  videoLimitedBy?: string | null;
}

/** Thresholds of the audio-only fallback. */
export interface BandwidthPolicy {
  /** Below this estimate (bits/s) video is not worth sending: ~150 kbit/s is a still, blocky picture at best. */
  minBitrate: number;
  /** Above this loss the picture freezes and the sound suffers with it. */
  maxLoss: number;
  /** Poor readings in a row before falling back. */
  poorSamples: number;
  /**
   * How long after a connection (re)connects its readings are not judged.
   * While ICE is down no feedback arrives, so the sender's estimate decays
   * (from ~650 to ~90 kbit/s in a 7 s outage, as e2e/call-offline.spec.ts
   * measured) and climbs back over seconds, and the first loss report counts
   * every packet sent during the outage: judged at once, every network drop
   * would end in audio only. The estimate ramps up at the start of a call too.
   */
  settleMs: number;
}

/** The defaults: at a reading every 2 s, six seconds of a poor path stop the video, once it has been up for ten. */
export const BANDWIDTH_POLICY: BandwidthPolicy = { minBitrate: 150_000, maxLoss: 0.1, poorSamples: 3, settleMs: 10_000 };

/**
 * Whether one reading says the path is too poor for video. Unknown figures
 * never count as poor; a low estimate counts unless the encoder says the
 * picture is not held back for bandwidth (see the module comment).
 */
export function isPoorSample(sample: BandwidthSample, policy: BandwidthPolicy = BANDWIDTH_POLICY): boolean {
  const limitedByBandwidth = (sample.videoLimitedBy ?? null) === null || sample.videoLimitedBy === 'bandwidth';
  const lowBitrate = limitedByBandwidth && sample.availableOutgoingBitrate !== null && sample.availableOutgoingBitrate < policy.minBitrate;
  const highLoss = sample.lossFraction !== null && sample.lossFraction > policy.maxLoss;
  return lowBitrate || highLoss;
}

/** Whether the latest readings (oldest first) call for audio only: the last `poorSamples` all poor. */
export function shouldFallBackToAudio(history: readonly BandwidthSample[], policy: BandwidthPolicy = BANDWIDTH_POLICY): boolean {
  if (history.length < policy.poorSamples) return false;
  return history.slice(-policy.poorSamples).every((sample) => isPoorSample(sample, policy));
}

/** The fallback's memory of one connection's outgoing path. */
export interface OutgoingHistory {
  /** Readings of the connected, settled path, oldest first (the latest `poorSamples * 2`). */
  samples: BandwidthSample[];
  /** The cumulative counters of the previous reading, to turn the next into a loss fraction. */
  counters: LossCounters | null;
  /** When the connection was last seen to become connected (ms); null while it is not connected. */
  connectedAt: number | null;
}

/** The memory of a connection not read yet. */
export const EMPTY_HISTORY: OutgoingHistory = { samples: [], counters: null, connectedAt: null };

/**
 * Adds one reading (from {@link readOutgoing}) taken at `now` while the
 * connection was `connected` or not. Only a connected path that has been up
 * for `settleMs` is judged; a connection that is down forgets its readings,
 * so what an outage leaves behind never counts against the path that follows.
 */
export function recordOutgoing(
  history: OutgoingHistory,
  reading: OutgoingReading,
  connected: boolean,
  now: number,
  policy: BandwidthPolicy = BANDWIDTH_POLICY,
): OutgoingHistory {
  const counters = reading.counters ?? history.counters;
  if (!connected) return { samples: [], counters, connectedAt: null };
  const connectedAt = history.connectedAt ?? now;
  if (!reading.counters || now - connectedAt < policy.settleMs) return { samples: history.samples, counters, connectedAt };
  const sample: BandwidthSample = {
    availableOutgoingBitrate: reading.availableOutgoingBitrate,
    lossFraction: lossBetween(history.counters, reading.counters),
    videoLimitedBy: reading.videoLimitedBy,
  };
  return { samples: [...history.samples, sample].slice(-policy.poorSamples * 2), counters, connectedAt };
}

/** Cumulative counters of one outgoing stream, as `getStats()` reports them. */
export interface LossCounters {
  /** `outbound-rtp.packetsSent`. */
  packetsSent: number;
  /** `remote-inbound-rtp.packetsLost` (the other side's count of our packets it never got). */
  packetsLost: number;
}

/** Share of packets lost between two readings of the cumulative counters; null when nothing was sent in between. */
export function lossBetween(previous: LossCounters | null, next: LossCounters): number | null {
  const sent = next.packetsSent - (previous?.packetsSent ?? 0);
  const lost = next.packetsLost - (previous?.packetsLost ?? 0);
  if (sent <= 0) return null;
  // Packets sent include those lost on the way.
  return Math.min(1, Math.max(0, lost / sent));
}

/** The part of `RTCStatsReport` these readers use (a Map of stats objects by id). */
export interface StatsLike {
  forEach(callback: (value: Record<string, unknown>) => void): void;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** What one `getStats()` report says about the outgoing path. */
export interface OutgoingReading {
  /** The selected candidate pair's estimate, bits/s. */
  availableOutgoingBitrate: number | null;
  /** Cumulative counters of everything sent; null before anything is. */
  counters: LossCounters | null;
  /** Why the video encoder reduces the picture; null when not said (see {@link BandwidthSample}). */
  videoLimitedBy: string | null;
}

/** What one `getStats()` report says about the outgoing path: the estimate, the cumulative loss counters and the encoder's limitation. */
export function readOutgoing(report: StatsLike): OutgoingReading {
  let bitrate: number | null = null;
  let videoLimitedBy: string | null = null;
  let selectedPair: string | null = null;
  const pairs = new Map<string, number | null>();
  let sent = 0;
  let lost = 0;
  let sawOutbound = false;
  report.forEach((stats) => {
    if (stats.type === 'transport' && typeof stats.selectedCandidatePairId === 'string') selectedPair = stats.selectedCandidatePairId;
    if (stats.type === 'candidate-pair' && typeof stats.id === 'string') {
      const available = num(stats.availableOutgoingBitrate);
      pairs.set(stats.id, available);
      // Browsers without `transport.selectedCandidatePairId` mark the pair in use as nominated and succeeded.
      if (stats.nominated === true && stats.state === 'succeeded' && available !== null) bitrate = available;
    }
    if (stats.type === 'outbound-rtp') {
      sent += num(stats.packetsSent) ?? 0;
      sawOutbound = true;
      // With several video streams (simulcast), one held back for bandwidth is enough.
      if (stats.kind === 'video' && typeof stats.qualityLimitationReason === 'string' && videoLimitedBy !== 'bandwidth')
        videoLimitedBy = stats.qualityLimitationReason;
    }
    if (stats.type === 'remote-inbound-rtp') lost += num(stats.packetsLost) ?? 0;
  });
  if (selectedPair !== null && pairs.has(selectedPair)) bitrate = pairs.get(selectedPair) ?? null;
  return { availableOutgoingBitrate: bitrate, counters: sawOutbound ? { packetsSent: sent, packetsLost: lost } : null, videoLimitedBy };
}

/** What was received from one peer so far: video frames decoded and audio packets, the proof that media flows. */
export interface ReceivedCounters {
  framesDecoded: number;
  audioPacketsReceived: number;
}

/** Reads the received-media counters of one peer connection's report. */
export function readReceived(report: StatsLike): ReceivedCounters {
  let framesDecoded = 0;
  let audioPacketsReceived = 0;
  report.forEach((stats) => {
    if (stats.type !== 'inbound-rtp') return;
    if (stats.kind === 'video') framesDecoded += num(stats.framesDecoded) ?? 0;
    if (stats.kind === 'audio') audioPacketsReceived += num(stats.packetsReceived) ?? 0;
  });
  return { framesDecoded, audioPacketsReceived };
}
