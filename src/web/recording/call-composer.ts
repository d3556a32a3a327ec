/**
 * What the recording shows and sounds like: every participant's picture
 * side by side on one canvas, with a bar burning in the server time (the
 * only time in evidence; Orden ETD/465/2021 asks for date and time in the
 * recording) and the appointment's reference; and everyone's sound mixed
 * into one track with WebAudio. The output is one MediaStream for
 * MediaRecorder. Sources are read again on every frame, so a participant
 * joining, a camera switched or a microphone changed are followed.
 */

/** What the composer reads each frame. */
export interface CompositionSources {
  /** Pictures to show, in order (the others first, then the self-view). */
  videos: () => MediaStream[];
  /** Sound tracks to mix (the local microphone and every participant's). */
  audios: () => MediaStreamTrack[];
  /** Server time now. */
  now: () => Date;
}

/** Look of the composition. */
export interface CompositionOptions {
  reference: string;
  timeZone: string;
  locale: string;
  width?: number;
  height?: number;
  fps?: number;
}

/** The overlay's time text: date and time to the second in the organisation's zone, with the zone's name. */
export function overlayTime(now: Date, timeZone: string, locale: string): string {
  const text = new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZoneName: 'short',
  }).format(now);
  return `${text} · ${now.toISOString().slice(0, 19)}Z`;
}

/** Where each of `count` pictures goes: equal columns, each letterboxed by the caller. */
export function tileLayout(count: number, width: number, height: number): { x: number; y: number; w: number; h: number }[] {
  if (count <= 0) return [];
  const w = Math.floor(width / count);
  return Array.from({ length: count }, (_, i) => ({ x: i * w, y: 0, w, h: height }));
}

/** A canvas and an audio graph turning the call into one stream. */
export class CallComposer {
  readonly stream: MediaStream;
  private readonly canvas: HTMLCanvasElement;
  private readonly g: CanvasRenderingContext2D;
  private readonly audio: AudioContext;
  private readonly mix: MediaStreamAudioDestinationNode;
  private readonly elements = new Map<string, HTMLVideoElement>();
  private readonly audioNodes = new Map<string, MediaStreamAudioSourceNode>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly width: number;
  private readonly height: number;

  constructor(
    private readonly sources: CompositionSources,
    private readonly options: CompositionOptions,
  ) {
    this.width = options.width ?? 1280;
    this.height = options.height ?? 720;
    const fps = options.fps ?? 15;
    this.canvas = document.createElement('canvas');
    this.canvas.width = this.width;
    this.canvas.height = this.height;
    const g = this.canvas.getContext('2d');
    if (!g) throw new Error('no 2D canvas');
    this.g = g;
    this.audio = new AudioContext();
    this.mix = this.audio.createMediaStreamDestination();
    const video = this.canvas.captureStream(fps).getVideoTracks();
    this.stream = new MediaStream([...video, ...this.mix.stream.getAudioTracks()]);
    this.draw();
    // A timer, not requestAnimationFrame: frames must keep coming when the agent looks at another window.
    this.timer = setInterval(() => this.draw(), Math.round(1000 / fps));
  }

  /** Stops drawing and mixing and releases the elements (the call's own tracks are not stopped). */
  close(): void {
    clearInterval(this.timer);
    for (const track of this.stream.getTracks()) track.stop();
    for (const el of this.elements.values()) el.srcObject = null;
    this.elements.clear();
    for (const node of this.audioNodes.values()) node.disconnect();
    this.audioNodes.clear();
    void this.audio.close();
  }

  private videoFor(stream: MediaStream): HTMLVideoElement {
    let el = this.elements.get(stream.id);
    if (!el) {
      el = document.createElement('video');
      el.muted = true;
      el.playsInline = true;
      el.srcObject = stream;
      void el.play().catch(() => undefined);
      this.elements.set(stream.id, el);
    }
    return el;
  }

  private syncAudio(): void {
    const tracks = this.sources.audios().filter((t) => t.readyState === 'live');
    const ids = new Set(tracks.map((t) => t.id));
    for (const [id, node] of this.audioNodes) {
      if (!ids.has(id)) {
        node.disconnect();
        this.audioNodes.delete(id);
      }
    }
    for (const track of tracks) {
      if (this.audioNodes.has(track.id)) continue;
      const node = this.audio.createMediaStreamSource(new MediaStream([track]));
      node.connect(this.mix);
      this.audioNodes.set(track.id, node);
    }
    if (this.audio.state === 'suspended') void this.audio.resume().catch(() => undefined);
  }

  private draw(): void {
    const { g, width, height } = this;
    const bar = Math.round(height * 0.07);
    g.fillStyle = '#000';
    g.fillRect(0, 0, width, height);
    const streams = this.sources.videos().filter((s) => s.getVideoTracks().some((t) => t.readyState === 'live'));
    const wanted = new Set(streams.map((s) => s.id));
    for (const id of [...this.elements.keys()]) {
      if (!wanted.has(id)) {
        const el = this.elements.get(id);
        if (el) el.srcObject = null;
        this.elements.delete(id);
      }
    }
    for (const [i, tile] of tileLayout(streams.length, width, height - bar).entries()) {
      const stream = streams[i];
      if (!stream) continue;
      const el = this.videoFor(stream);
      if (el.videoWidth === 0 || el.videoHeight === 0) continue;
      const scale = Math.min(tile.w / el.videoWidth, tile.h / el.videoHeight);
      const w = el.videoWidth * scale;
      const h = el.videoHeight * scale;
      g.drawImage(el, tile.x + (tile.w - w) / 2, tile.y + (tile.h - h) / 2, w, h);
    }
    g.fillStyle = '#1b1b1b';
    g.fillRect(0, height - bar, width, bar);
    g.fillStyle = '#fff';
    g.font = `${Math.round(bar * 0.5)}px sans-serif`;
    g.textBaseline = 'middle';
    g.textAlign = 'left';
    g.fillText(overlayTime(this.sources.now(), this.options.timeZone, this.options.locale), bar * 0.3, height - bar / 2);
    g.textAlign = 'right';
    g.fillText(this.options.reference, width - bar * 0.3, height - bar / 2);
    this.syncAudio();
  }
}
