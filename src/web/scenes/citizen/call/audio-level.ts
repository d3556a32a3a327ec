/**
 * The microphone level: an AnalyserNode (Web Audio API §1.8) on the
 * microphone's track, read ten times a second as RMS in dBFS and mapped to
 * 0–100, plus the few words a screen reader can say about it.
 */
import { useEffect, useState } from 'react';

/** The level in words, for people who cannot see the bar. */
export type LevelWord = 'none' | 'low' | 'good' | 'high';

/** Quieter than this is silence (room noise); from here on we say we hear the person. */
export const HEARD_THRESHOLD = 12;

/**
 * Maps the RMS of samples in [-1, 1] to 0–100 on a −60…0 dBFS scale: speech
 * at a normal distance lands around −30…−15 dBFS, i.e. 50–75.
 */
export function levelFromSamples(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    sum += s * s;
  }
  const rms = Math.sqrt(sum / samples.length);
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.round(Math.max(0, Math.min(100, ((db + 60) / 60) * 100)));
}

/** The word for a level. */
export function levelWord(level: number): LevelWord {
  if (level < HEARD_THRESHOLD) return 'none';
  if (level < 40) return 'low';
  if (level < 85) return 'good';
  return 'high';
}

/** What the meter shows. */
export interface AudioLevel {
  /** Now, 0–100. */
  level: number;
  /** The loudest over the last second, which is what the words describe (steadier than `level`). */
  recentPeak: number;
  /** The microphone picked up something above silence at least once. */
  heard: boolean;
}

const QUIET: AudioLevel = { level: 0, recentPeak: 0, heard: false };
const SAMPLE_MS = 100;
const PEAK_WINDOW = 10;

/** Follows the level of the first audio track of `stream`. */
export function useAudioLevel(stream: MediaStream | null): AudioLevel {
  const [state, setState] = useState<AudioLevel>(QUIET);
  const track = stream?.getAudioTracks()[0] ?? null;
  useEffect(() => {
    setState(QUIET);
    if (!track || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    // Created after the citizen pressed "Start", so the autoplay policy lets it run; resume() covers older engines.
    void context.resume().catch(() => undefined);
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const history: number[] = [];
    let heard = false;
    const timer = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      const level = levelFromSamples(samples);
      history.push(level);
      if (history.length > PEAK_WINDOW) history.shift();
      heard ||= level >= HEARD_THRESHOLD;
      setState({ level, recentPeak: Math.max(...history), heard });
    }, SAMPLE_MS);
    return () => {
      window.clearInterval(timer);
      source.disconnect();
      void context.close().catch(() => undefined);
    };
  }, [track]);
  return state;
}
