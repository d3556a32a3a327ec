/**
 * The recording of a call on the agent's page: the composed call
 * (call-composer.ts) goes through MediaRecorder in ~2 s slices; each slice
 * is hashed (SHA-256, WebCrypto), numbered, kept in IndexedDB and sent at
 * once through the {@link ChunkQueue}, which forgets it only when the server
 * acknowledges it. After a reload, what the last page left is sent first,
 * then a new segment begins (the server closes the old one, noting up to
 * which chunk it is kept).
 */
import { RECORDING_LIMITS, type RecordingView, type SegmentStarted } from '../../shared/recordings.ts';
import { CallComposer, type CompositionOptions, type CompositionSources } from './call-composer.ts';
import { ChunkQueue, type ChunkStore, type SendOutcome, type PendingChunk } from './chunk-queue.ts';
import { indexedDbChunkStore } from './chunk-store-idb.ts';
import * as api from './recording-api.ts';

/** Where the recording stands on this page. */
export interface RecorderState {
  status: 'idle' | 'starting' | 'recording' | 'stopping' | 'stopped' | 'failed';
  segment: number | null;
  /** Chunks waiting for the server's acknowledgement. */
  pending: number;
  /** The last send failed and is being retried. */
  retrying: boolean;
  /** The final file, once the server made it. */
  file: RecordingView['file'];
}

/** The server calls the recorder makes (replaced in tests). */
export interface RecorderApi {
  startSegment(appointmentId: string, csrfToken: string): Promise<SegmentStarted>;
  stopRecording(appointmentId: string, segment: number | null, csrfToken: string): Promise<RecordingView>;
  sendChunk(chunk: PendingChunk, csrfToken: string): Promise<SendOutcome>;
}

/** Options of a {@link CallRecorder}. */
export interface CallRecorderOptions {
  appointmentId: string;
  csrfToken: string;
  sources: CompositionSources;
  composition: CompositionOptions;
  onChange?: (state: RecorderState) => void;
  store?: ChunkStore;
  api?: RecorderApi;
}

/** How long stopping waits for the last chunks to be acknowledged before asking the server to finish anyway. */
const DRAIN_ON_STOP_MS = 30_000;
/** How long starting waits for a previous page's chunks before opening the new segment. */
const DRAIN_ON_START_MS = 20_000;

/** The first WebM type this browser records. */
function recorderType(): string | undefined {
  return ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
}

/**
 * MediaRecorder's options. Without asking, Chromium writes one key frame at
 * the start only, so a player seeking into the file decodes from the very
 * beginning; a key frame every timeslice (Chromium 127+, MediaStream
 * Recording § MediaRecorderOptions `videoKeyFrameIntervalDuration`; ignored
 * elsewhere) makes every ~2 s chunk a place to seek to.
 */
function recorderOptions(mimeType: string | undefined): MediaRecorderOptions {
  const options: MediaRecorderOptions & { videoKeyFrameIntervalDuration?: number } = {
    videoBitsPerSecond: 1_500_000,
    videoKeyFrameIntervalDuration: RECORDING_LIMITS.timesliceMs,
  };
  if (mimeType) options.mimeType = mimeType;
  return options;
}

/** One page's recording of one call. */
export class CallRecorder {
  private readonly queue: ChunkQueue;
  private readonly api: RecorderApi;
  private state: RecorderState = { status: 'idle', segment: null, pending: 0, retrying: false, file: null };
  private composer: CallComposer | null = null;
  private recorder: MediaRecorder | null = null;
  private seq = 0;
  /** Chunks are hashed and stored one after the other, so they enter the queue in order. */
  private taking: Promise<void> = Promise.resolve();

  constructor(private readonly options: CallRecorderOptions) {
    this.api = options.api ?? api;
    this.queue = new ChunkQueue({
      store: options.store ?? indexedDbChunkStore(),
      send: (chunk) => this.api.sendChunk(chunk, options.csrfToken),
      onChange: ({ pending, retrying }) => this.set({ pending, retrying }),
    });
  }

  /** The current state. */
  get current(): RecorderState {
    return this.state;
  }

  /** Sends what a previous page left, opens a segment and starts recording. */
  async start(): Promise<void> {
    if (this.state.status === 'starting' || this.state.status === 'recording') return;
    this.set({ status: 'starting' });
    try {
      if ((await this.queue.restore(this.options.appointmentId)) > 0) await this.queue.drain(DRAIN_ON_START_MS);
      const { segment } = await this.api.startSegment(this.options.appointmentId, this.options.csrfToken);
      this.seq = 0;
      this.composer = new CallComposer(this.options.sources, this.options.composition);
      const mimeType = recorderType();
      const recorder = new MediaRecorder(this.composer.stream, recorderOptions(mimeType));
      recorder.ondataavailable = (event) => this.take(segment, event.data);
      recorder.start(RECORDING_LIMITS.timesliceMs);
      this.recorder = recorder;
      this.set({ status: 'recording', segment, file: null });
    } catch (error) {
      this.release();
      this.set({ status: 'failed' });
      throw error;
    }
  }

  /** Stops recording, waits for the last chunks to be acknowledged and has the server make the final file. */
  async stop(): Promise<RecordingView> {
    const { segment } = this.state;
    this.set({ status: 'stopping' });
    const recorder = this.recorder;
    if (recorder && recorder.state !== 'inactive') {
      // The last slice comes in a `dataavailable` just before `stop`.
      await new Promise<void>((resolve) => {
        recorder.addEventListener('stop', () => resolve(), { once: true });
        recorder.stop();
      });
    }
    await this.taking;
    this.release();
    await this.queue.drain(DRAIN_ON_STOP_MS);
    try {
      const view = await this.api.stopRecording(this.options.appointmentId, segment, this.options.csrfToken);
      this.set({ status: view.status === 'ready' ? 'stopped' : 'failed', file: view.file });
      return view;
    } catch (error) {
      this.set({ status: 'failed' });
      throw error;
    }
  }

  /** The page goes away: recording and sending stop; unacknowledged chunks stay in IndexedDB for the next page. */
  dispose(): void {
    this.queue.stop();
    this.release();
  }

  private take(segment: number, data: Blob): void {
    if (data.size === 0) return;
    const seq = this.seq++;
    const appointmentId = this.options.appointmentId;
    this.taking = this.taking
      .then(async () => {
        const sha256 = await api.sha256Hex(data);
        await this.queue.add({ appointmentId, segment, seq, sha256, bytes: data });
      })
      .catch(() => this.set({ status: 'failed' }));
  }

  private release(): void {
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
    this.recorder = null;
    this.composer?.close();
    this.composer = null;
  }

  private set(patch: Partial<RecorderState>): void {
    this.state = { ...this.state, ...patch };
    this.options.onChange?.(this.state);
  }
}
