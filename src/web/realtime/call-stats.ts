/**
 * The statistics of a call's connections, read every couple of seconds:
 * what has arrived from each participant (frames decoded, audio packets:
 * the proof that media flows, shown in the connection details) and what
 * this side has managed to send to each (the history that decides the
 * fall-back to sound only, see call-bandwidth.ts).
 */
import { EMPTY_HISTORY, readOutgoing, readReceived, recordOutgoing, shouldFallBackToAudio, type OutgoingHistory, type ReceivedCounters } from './call-bandwidth.ts';
import type { PeerConnectionState } from './call-peer.ts';

/** What a statistics round needs of one connection. */
export interface StatsSource {
  readonly state: PeerConnectionState;
  getStats(): Promise<RTCStatsReport>;
}

const NOTHING_RECEIVED: ReceivedCounters = { framesDecoded: 0, audioPacketsReceived: 0 };

/** Per-peer counters and sending history. */
export class CallStatistics {
  private readonly received = new Map<string, ReceivedCounters>();
  private readonly bandwidth = new Map<string, OutgoingHistory>();

  /** Reads every connection once; answers whether any connected one sends too poorly to keep the video. */
  async sample(links: Iterable<[string, StatsSource]>, now = Date.now()): Promise<{ poor: boolean }> {
    let poor = false;
    for (const [peerId, link] of [...links]) {
      let report: RTCStatsReport;
      try {
        report = await link.getStats();
      } catch {
        continue; // closed meanwhile
      }
      this.received.set(peerId, readReceived(report));
      const history = recordOutgoing(this.bandwidth.get(peerId) ?? EMPTY_HISTORY, readOutgoing(report), link.state === 'connected', now);
      this.bandwidth.set(peerId, history);
      if (link.state === 'connected' && shouldFallBackToAudio(history.samples)) poor = true;
    }
    return { poor };
  }

  /** What has arrived from a peer so far. */
  receivedFrom(peerId: string): ReceivedCounters {
    return this.received.get(peerId) ?? NOTHING_RECEIVED;
  }

  /** Starts the sending histories afresh (the video is wanted again: judge it on what comes next). */
  resetBandwidth(): void {
    for (const [peerId, history] of this.bandwidth) this.bandwidth.set(peerId, { ...history, samples: [] });
  }

  /** Forgets a peer that left. */
  forget(peerId: string): void {
    this.received.delete(peerId);
    this.bandwidth.delete(peerId);
  }
}
