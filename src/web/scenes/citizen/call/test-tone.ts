/**
 * The speaker test's sound: a short two-note chime made with Web Audio (no
 * file to download), sent to the chosen output device where the browser can
 * choose one (`AudioContext.setSinkId` in Chromium; otherwise through an
 * `<audio>` element's `setSinkId`, e.g. Firefox).
 */

/** The notes (Hz) and how long each lasts (s): C5 then E5, loud enough to notice, soft enough not to startle. */
const NOTES = [523.25, 659.25] as const;
const NOTE_SECONDS = 0.45;
const VOLUME = 0.25;

interface SinkContext extends AudioContext {
  setSinkId(sinkId: string): Promise<void>;
}

interface SinkAudio extends HTMLAudioElement {
  setSinkId(sinkId: string): Promise<void>;
}

function hasContextSink(context: AudioContext): context is SinkContext {
  return 'setSinkId' in context && typeof context.setSinkId === 'function';
}

function hasElementSink(audio: HTMLAudioElement): audio is SinkAudio {
  return 'setSinkId' in audio && typeof audio.setSinkId === 'function';
}

/** Plays the chime on `sinkId` ('' = default output); resolves when it has finished. */
export async function playTestTone(sinkId: string): Promise<void> {
  const context = new AudioContext();
  let element: HTMLAudioElement | null = null;
  try {
    let destination: AudioNode = context.destination;
    if (sinkId && hasContextSink(context)) {
      await context.setSinkId(sinkId);
    } else if (sinkId) {
      const audio = new Audio();
      if (hasElementSink(audio)) {
        const stream = context.createMediaStreamDestination();
        audio.srcObject = stream.stream;
        await audio.setSinkId(sinkId);
        destination = stream;
        element = audio;
      }
    }
    await context.resume();
    const start = context.currentTime + 0.05;
    NOTES.forEach((frequency, i) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      const at = start + i * NOTE_SECONDS;
      // Short fades in and out avoid clicks.
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(VOLUME, at + 0.03);
      gain.gain.setValueAtTime(VOLUME, at + NOTE_SECONDS - 0.08);
      gain.gain.linearRampToValueAtTime(0, at + NOTE_SECONDS);
      oscillator.connect(gain).connect(destination);
      oscillator.start(at);
      oscillator.stop(at + NOTE_SECONDS);
    });
    if (element) await element.play();
    const totalMs = (NOTES.length * NOTE_SECONDS + 0.15) * 1000;
    await new Promise<void>((resolve) => window.setTimeout(resolve, totalMs));
  } finally {
    element?.pause();
    await context.close().catch(() => undefined);
  }
}
