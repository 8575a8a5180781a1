// The scanning API: media in, typed per-face / per-frame / per-track / per-item results out.
//   image → faces (detector) → crops (named recipe) → normalised tensors → batched model runs → P(fake)
//   video → sampled frames (uniform 32 by default, SPEC §6.1) → the same per frame → tracks → mean (SPEC §7.2)
import { type CropRecipe, cropRecipe, type FaceCrop, rememberFaceRect } from '../data/crops/index.js';
import { listInputFiles } from '../data/datasets/listInputFiles.js';
import { type FaceDetection, FaceDetector, FaceDetectorThread } from '../data/faces/index.js';
import { resizeRgb } from '../data/image/resize.js';
import type { RgbImage } from '../data/image/rgbImage.js';
import {
  decodeImage,
  fps as fpsSampler,
  mediaKind,
  NotAVideoError,
  probeVideo,
  readVideoFrames,
  uniform,
  type VideoInfo,
} from '../data/media/index.js';
import { toTensorNormalized } from '../data/transforms/normalize.js';
import { aggregateVideos, type VideoAggregation } from '../eval/videoAggregation.js';
import type { Precision } from '../models/precision.js';
import { attentionRollout } from './attentionRollout.js';
import { type Calibration, resolveThreshold } from './calibration.js';
import { defaultRecipeFor } from './defaultRecipe.js';
import { linkTracks } from './faceTracks.js';
import { FrameScoreGroups } from './frameScoreGroups.js';
import { overlayHeatmap, pngDataUri } from './heatmapImage.js';
import { modelInfo } from './modelInfo.js';
import type { ReconstructionExplainer } from './reconstructionMap.js';
import type {
  FaceResult,
  FrameResult,
  MediaType,
  ModelInfo,
  ScanItem,
  TrackResult,
  Verdict,
} from './scanResult.js';
import { ScoreBatcher } from './scoreBatcher.js';
import { ScoringModel } from './scoringModel.js';

export interface ScanProgress {
  input: string;
  stage: 'decode' | 'frames' | 'done';
  /** frames (videos) or files (scanPath) done so far, and the total */
  done: number;
  total: number;
}

export interface DetectorOptions {
  /** fine-tuned detector checkpoint (.pth, .pth.tar, .safetensors) */
  model: string;
  /** heads of a custom-size model (not stored in checkpoints) */
  numHeads?: number;
  /** onnxruntime intra-op threads (default: all cores) */
  threads?: number;
  device?: 'cpu';
  /** face crop recipe (default fsfm-dlib-1.3, SPEC §6.1; fas-align-0.37 for FAS checkpoints, SPEC §6.6) */
  recipe?: string;
  /** crops per model run (default 8) */
  batch?: number;
  /** model arithmetic: fp32 (default) or int8 (transformer blocks quantized; every result records which ran) */
  precision?: Precision;
  /** faces whose larger box side is below this many pixels are not scored (default 40) */
  minFaceSize?: number;
  /** at most this many faces per image/frame (default 10) */
  maxFaces?: number;
  /**
   * detect the faces of video frames, and of stills scanned concurrently (`scanPath` with jobs > 1), in a worker
   * thread (default true), so detection overlaps cropping and scoring; the results are the same either way. The
   * thread starts with the first video or concurrent still (or `prepareVideo` / `prepareStills`).
   */
  videoFaceThread?: boolean;
  /**
   * decision threshold on P(fake); when neither this nor `calibration` is given, the `calibration.json` that training
   * wrote beside the checkpoint, else 0.5
   */
  threshold?: number;
  /** calibration JSON file `{threshold, source}` or its parsed content; overrides `threshold` */
  calibration?: string | Calibration;
  /** pre-training checkpoint with the pixel decoder, for masked-reconstruction error maps */
  explainWith?: string;
  /** decoder head count of a custom-size `explainWith` checkpoint (default 16, as the official decoders) */
  explainDecoderHeads?: number;
  onProgress?: (p: ScanProgress) => void;
}

export interface ScanOptions {
  signal?: AbortSignal;
  /** attach the 224×224 crops as PNG data URIs */
  crops?: boolean;
  /** attach explanation heatmaps (implies crops) */
  explain?: boolean;
}

export interface VideoScanOptions extends ScanOptions {
  /** frames sampled uniformly over the video (default 32); ignored when `fps` is set */
  frames?: number;
  /** sample this many frames per second instead */
  fps?: number;
  aggregate?: VideoAggregation;
  /** refuse videos longer than this (seconds) */
  maxDurationS?: number;
}

export interface PathScanOptions extends VideoScanOptions {
  /**
   * files scanned concurrently (default 1). Above 1, the faces of stills are found in the face detection thread
   * (unless `videoFaceThread` is false), so one still's faces are found while another's are scored. Faces, boxes and
   * crops are the same; so are scores in fp32, while int8 scores can depend on which stills' crops share a model
   * run (activations are quantized over the whole batch), which happens when many faces wait at once.
   */
  jobs?: number;
  /** called after each file */
  onItem?: (item: ScanItem, done: number, total: number) => void;
}

/** Thrown (not reported as an item) when a video breaks a caller-set limit, so servers can map it to a status. */
export class MediaLimitError extends Error {}

/** Where a frame's faces come from: the in-thread detector or the worker thread. */
interface FaceFinder {
  detect(img: RgbImage): Promise<FaceDetection[]>;
}

/** A video frame's place in its video's scoring groups. */
interface FrameSlot {
  score(crop: Float32Array): Promise<number>;
  /** all the frame's crops are queued (or the frame failed) */
  close(): void;
}

export class Detector {
  private readonly batcher: ScoreBatcher<number>;
  private disposed = false;
  private faceThread: Promise<FaceDetectorThread> | undefined;

  private constructor(
    readonly model: ScoringModel,
    private readonly faces: FaceDetector,
    private readonly recipe: CropRecipe,
    readonly threshold: number,
    readonly thresholdSource: string,
    private readonly opts: DetectorOptions,
    private readonly reconstruction: ReconstructionExplainer | undefined,
  ) {
    this.batcher = new ScoreBatcher(model.batch, (crops) => model.scoreBatch(crops));
  }

  static async create(opts: DetectorOptions): Promise<Detector> {
    if (opts.device && opts.device !== 'cpu')
      throw new Error(`device '${opts.device}' is not supported; use cpu`);
    const { threshold, source: thresholdSource } = resolveThreshold(opts);
    const minFace = opts.minFaceSize ?? 40;
    if (!(minFace >= 0)) throw new Error(`minFaceSize must be >= 0, got ${minFace}`);
    if (opts.recipe !== undefined) cropRecipe(opts.recipe); // a bad name fails before the model loads
    const model = await ScoringModel.load(opts.model, {
      numHeads: opts.numHeads,
      batch: opts.batch,
      threads: opts.threads,
      precision: opts.precision,
    });
    const recipe = cropRecipe(opts.recipe ?? defaultRecipeFor(model.spec.kind));
    // every recipe places its crop from the face mesh (crops/faceRect.ts), so the mesh always runs
    const faces = await FaceDetector.create({ maxFaces: opts.maxFaces ?? 10 });
    let reconstruction: ReconstructionExplainer | undefined;
    if (opts.explainWith) {
      const { ReconstructionExplainer } = await import('./reconstructionMap.js');
      reconstruction = await ReconstructionExplainer.load(opts.explainWith, {
        numHeads: opts.numHeads,
        decoderHeads: opts.explainDecoderHeads,
        threads: opts.threads,
      });
    }
    return new Detector(model, faces, recipe, threshold, thresholdSource, opts, reconstruction);
  }

  /** What every result records about the model. */
  get info(): ModelInfo {
    return modelInfo({
      spec: this.model.spec,
      norm: this.model.norm,
      checkpoint: this.model.checkpoint,
      recipe: this.recipe.name,
      threshold: this.threshold,
      thresholdSource: this.thresholdSource,
      precision: this.model.precision,
    });
  }

  /** model runs so far (batches) */
  get modelRuns(): number {
    return this.batcher.runs;
  }

  /** Starts what video scans use beyond still scans (the face detection thread), so the first video does not wait. */
  async prepareVideo(): Promise<void> {
    this.check();
    await this.videoFaces();
  }

  /** Starts the face detection thread that `scanPath` with jobs > 1 finds stills' faces in, so the first does not wait. */
  async prepareStills(): Promise<void> {
    this.check();
    if (this.opts.videoFaceThread !== false) await this.threadFaces();
  }

  /** Scores a still image: a path, encoded bytes, or decoded pixels. */
  scanImage(input: string | Buffer | RgbImage, opts: ScanOptions = {}): Promise<ScanItem> {
    this.check();
    return this.scanStill(input, opts, this.faces);
  }

  private async scanStill(
    input: string | Buffer | RgbImage,
    opts: ScanOptions,
    finder: FaceFinder,
  ): Promise<ScanItem> {
    const name = typeof input === 'string' ? input : Buffer.isBuffer(input) ? 'image buffer' : 'image';
    const t0 = performance.now();
    opts.signal?.throwIfAborted();
    let img: RgbImage;
    if (typeof input === 'string' || Buffer.isBuffer(input)) {
      try {
        img = (await decodeImage(input)).image;
      } catch (err) {
        return this.errorItem(name, 'image', `unreadable image: ${message(err)}`, t0);
      }
    } else img = input;
    opts.signal?.throwIfAborted();
    const frame = await this.scanFrame(img, 0, null, opts, finder);
    for (const f of frame.faces) f.track = f.p_fake === null ? null : 0;
    const item = this.finish(name, 'image', [frame], null, t0);
    this.opts.onProgress?.({ input: name, stage: 'done', done: 1, total: 1 });
    return item;
  }

  /** Scores sampled frames of a video and aggregates them (mean of frame scores by default). */
  async scanVideo(path: string, opts: VideoScanOptions = {}): Promise<ScanItem> {
    this.check();
    const t0 = performance.now();
    opts.signal?.throwIfAborted();
    let info: VideoInfo;
    try {
      info = await probeVideo(path);
    } catch (err) {
      const why = err instanceof NotAVideoError ? message(err) : `unreadable video: ${message(err)}`;
      return this.errorItem(path, 'video', why, t0);
    }
    if (opts.maxDurationS !== undefined && info.durationS > opts.maxDurationS) {
      throw new MediaLimitError(
        `video is ${info.durationS.toFixed(1)} s long, over the ${opts.maxDurationS} s limit`,
      );
    }
    const sampler = opts.fps !== undefined ? fpsSampler(opts.fps) : uniform(opts.frames ?? 32);
    const total = sampler(info).length;
    const pending: Promise<FrameResult>[] = [];
    // frames in flight: enough to fill model batches while the next frames decode and detect
    const window = 2 * this.model.batch;
    const finder = await this.videoFaces();
    // the crops of this video in fixed groups of one batch, in frame order: one run per group, the same groups
    // (hence the same int8 scores) whatever the timing
    const groups = new FrameScoreGroups(this.model.batch, (crops) => this.batcher.scoreGroup(crops));
    // resolved when a frame's crops are queued: the read-ahead waits on these, not on scores, since a group
    // (and so a frame's score) may need crops of frames further ahead than the window
    const cropped: Promise<void>[] = [];
    let done = 0;
    try {
      for await (const fr of readVideoFrames(path, sampler, info)) {
        opts.signal?.throwIfAborted();
        const time = info.fps > 0 ? fr.index / info.fps : null;
        const position = pending.length;
        let markCropped = (): void => {};
        cropped.push(new Promise<void>((resolve) => (markCropped = resolve)));
        const slot: FrameSlot = {
          score: (t) => groups.score(position, t),
          close: () => {
            groups.close(position);
            markCropped();
          },
        };
        const scored = this.scanFrame(fr.image, fr.index, time, opts, finder, slot);
        scored.then(
          () => this.opts.onProgress?.({ input: path, stage: 'frames', done: ++done, total }),
          () => undefined,
        );
        pending.push(scored);
        if (pending.length >= window) await cropped[pending.length - window];
      }
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (pending.length === 0) return this.errorItem(path, 'video', `unreadable video: ${message(err)}`, t0);
      // a damaged tail: keep the frames decoded so far
    }
    groups.end(pending.length);
    const frames = await Promise.all(pending);
    opts.signal?.throwIfAborted();
    const ids = linkTracks(frames.map((f) => f.faces.filter((x) => x.p_fake !== null).map((x) => x.box)));
    frames.forEach((f, i) => {
      let k = 0;
      for (const face of f.faces) face.track = face.p_fake === null ? null : ids[i]![k++]!;
    });
    const item = this.finish(path, 'video', frames, opts.aggregate ?? 'mean', t0);
    item.video = {
      width: info.width,
      height: info.height,
      fps: info.fps,
      duration_s: info.durationS,
      frame_count: info.frameCount,
    };
    if (frames.length === 0) {
      item.status = 'error';
      item.reason = 'no frames could be decoded';
    }
    this.opts.onProgress?.({ input: path, stage: 'done', done: total, total });
    return item;
  }

  /** Scores a file of any kind: images and videos are told apart by content. */
  scanFile(path: string, opts: VideoScanOptions = {}): Promise<ScanItem> {
    this.check();
    return this.scanAnyFile(path, opts, this.faces);
  }

  /** scanFile, finding a still's faces with `stillFaces`. */
  private async scanAnyFile(path: string, opts: VideoScanOptions, stillFaces: FaceFinder): Promise<ScanItem> {
    const t0 = performance.now();
    opts.signal?.throwIfAborted();
    const kind = await mediaKind(path);
    if (kind === 'image') return this.scanStill(path, opts, stillFaces);
    if (kind === 'video') return this.scanVideo(path, opts);
    // let the decoders word the problem (damaged image, no video stream, not media at all)
    const why = await probeVideo(path).then(
      () => 'not an image or video this tool can read',
      (err: unknown) => message(err),
    );
    return this.errorItem(path, 'other', `unreadable file: ${why}`, t0);
  }

  /** Scores files and folders (recursively, hidden files skipped), `jobs` files at a time; one item per file. */
  async scanPath(inputs: string | string[], opts: PathScanOptions = {}): Promise<ScanItem[]> {
    this.check();
    const files = listInputFiles(Array.isArray(inputs) ? inputs : [inputs]).map((f) => f.path);
    const jobs = opts.jobs ?? 1;
    if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be a positive integer, got ${jobs}`);
    const items = new Array<ScanItem>(files.length);
    // concurrent stills: one still's faces are found in the thread while the calling thread scores another's
    const stillFaces =
      jobs > 1 && files.length > 1 && this.opts.videoFaceThread !== false
        ? this.concurrentStillFaces()
        : this.faces;
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        opts.signal?.throwIfAborted();
        const i = next++;
        const file = files[i]!;
        try {
          items[i] = await this.scanAnyFile(file, opts, stillFaces);
        } catch (err) {
          if (opts.signal?.aborted) throw opts.signal.reason;
          if (err instanceof MediaLimitError)
            items[i] = this.errorItem(file, 'video', err.message, performance.now());
          else throw err;
        }
        done++;
        opts.onItem?.(items[i]!, done, files.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, Math.max(files.length, 1)) }, worker));
    return items;
  }

  dispose(): void {
    this.disposed = true;
    this.faces.dispose();
    void this.faceThread?.then((t) => t.dispose()).catch(() => undefined);
  }

  private check(): void {
    if (this.disposed) throw new Error('Detector used after dispose()');
  }

  /** The face finder of video frames: the worker thread unless turned off. */
  private videoFaces(): Promise<FaceFinder> {
    return this.opts.videoFaceThread === false ? Promise.resolve(this.faces) : this.threadFaces();
  }

  /**
   * The worker thread as a face finder (started on first use, again if it died). For recipes cut around dlib's
   * window it places the windows too, and they are remembered for the crop (the same code on the same pixels).
   */
  private async threadFaces(): Promise<FaceFinder> {
    const thread = await this.startedFaceThread();
    if (!this.recipe.usesDlibRect) return thread;
    return {
      detect: async (img) => {
        const { faces, rects } = await thread.detectWithDlibRects(img);
        faces.forEach((face, i) => {
          const rect = rects[i];
          if (rect) rememberFaceRect(face, rect);
        });
        return faces;
      },
    };
  }

  /**
   * Stills' faces found in the face detection thread, for one `scanPath` call. A thread that cannot start, or dies
   * mid-folder, costs the overlap, not the scan: those stills' faces are found in the calling thread instead, and a
   * thread that failed to start is not tried again in this call (each try reloads the face models).
   */
  private concurrentStillFaces(): FaceFinder {
    let inThread: Promise<FaceFinder | null> | null = null;
    return {
      detect: async (img) => {
        inThread ??= this.threadFaces().catch(() => null);
        const finder = await inThread;
        if (!finder) return this.faces.detect(img);
        try {
          return await finder.detect(img);
        } catch (err) {
          // an alive thread's error is about this image, as the calling thread's would be
          if ((await this.faceThread?.catch(() => undefined))?.alive) throw err;
          inThread = null;
          return this.faces.detect(img);
        }
      },
    };
  }

  /** The face detection thread, started on first use, again if it died. */
  private async startedFaceThread(): Promise<FaceDetectorThread> {
    const started = this.faceThread;
    const running = await started?.catch(() => undefined);
    // only the call that finds the dead thread still in place replaces it (concurrent scans share the new one)
    if (running && !running.alive && this.faceThread === started) this.faceThread = undefined;
    this.faceThread ??= FaceDetectorThread.start({ maxFaces: this.opts.maxFaces ?? 10 }).catch(
      (err: unknown) => {
        this.faceThread = undefined;
        throw err;
      },
    );
    return this.faceThread;
  }

  private async scanFrame(
    img: RgbImage,
    index: number,
    time: number | null,
    opts: ScanOptions,
    finder: FaceFinder = this.faces,
    slot?: FrameSlot,
  ): Promise<FrameResult> {
    let detections: FaceDetection[];
    try {
      detections = await finder.detect(img);
    } catch (err) {
      slot?.close();
      throw err;
    }
    const minFace = this.opts.minFaceSize ?? 40;
    const size = this.model.imgSize;
    // the score requests go out synchronously, face by face, before the first await below: the frame's crops
    // are all queued (in detector order) when `map` returns
    const score = (t: Float32Array): Promise<number> => (slot ? slot.score(t) : this.batcher.score(t));
    const scoring = Promise.all(
      detections.map(async (d): Promise<FaceResult> => {
        const box = { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height };
        const base: Omit<FaceResult, 'p_fake'> = {
          box,
          detector_score: d.score,
          track: null,
          crop_recipe: this.recipe.name,
        };
        let cut: FaceCrop;
        try {
          cut = this.recipe.crop(img, d);
        } catch (err) {
          return { ...base, p_fake: null, skipped: message(err) };
        }
        base.crop_box = cut.box;
        const side = Math.max(box.width, box.height);
        if (side < minFace) {
          return {
            ...base,
            p_fake: null,
            skipped: `face too small (${Math.round(side)} px < ${minFace} px)`,
          };
        }
        const crop = cut.image;
        const input = crop.width === size ? crop : resizeRgb(crop, size, size, 'bicubic');
        const tensor = toTensorNormalized(input, this.model.stats);
        const face: FaceResult = { ...base, p_fake: await score(tensor) };
        if (opts.crops || opts.explain) face.crop = await pngDataUri(crop);
        if (opts.explain) face.heatmaps = await this.explain(crop, tensor);
        return face;
      }),
    );
    slot?.close();
    const faces = await scoring;
    const scored = faces.map((f) => f.p_fake).filter((p): p is number => p !== null);
    return { index, time_s: time, faces, p_fake: scored.length > 0 ? Math.max(...scored) : null };
  }

  private async explain(crop: RgbImage, tensor: Float32Array): Promise<NonNullable<FaceResult['heatmaps']>> {
    const { spec } = this.model;
    const grid = spec.encoder.imgSize / spec.encoder.patch;
    const { attention } = await this.model.scoreWithAttention(tensor);
    const fromPatches = spec.kind === 'fs-adapter' || (spec.kind === 'finetune-vit' && spec.globalPool);
    const roll = attentionRollout(attention, grid * grid + 1, fromPatches);
    const out: NonNullable<FaceResult['heatmaps']> = {
      attention_rollout: await pngDataUri(overlayHeatmap(crop, roll, grid)),
    };
    if (this.reconstruction) {
      const { map, grid: g } = await this.reconstruction.errorMap(crop);
      out.reconstruction_error = await pngDataUri(overlayHeatmap(crop, map, g));
    }
    return out;
  }

  private finish(
    input: string,
    media: MediaType,
    frames: FrameResult[],
    aggregation: VideoAggregation | null,
    t0: number,
  ): ScanItem {
    const anyFace = frames.some((f) => f.faces.length > 0);
    const scoredFrames = frames.filter((f) => f.p_fake !== null);
    let pFake: number | null = null;
    if (scoredFrames.length > 0) {
      pFake = aggregation
        ? aggregateScores(
            scoredFrames.map((f) => f.p_fake!),
            aggregation,
          )
        : scoredFrames[0]!.p_fake;
    }
    const item: ScanItem = {
      input,
      media,
      status: pFake === null ? 'abstain' : 'ok',
      p_fake: pFake,
      verdict: this.verdict(pFake),
      threshold: this.threshold,
      aggregate: aggregation,
      frames,
      tracks: tracksOf(frames, aggregation ?? 'mean'),
      model: this.info,
      elapsed_ms: Math.round(performance.now() - t0),
    };
    if (pFake === null) {
      const small = frames.flatMap((f) => f.faces).find((f) => f.skipped);
      item.reason = !anyFace ? 'no face found' : (small?.skipped ?? 'no face could be scored');
    }
    return item;
  }

  private verdict(p: number | null): Verdict | null {
    return p === null ? null : p >= this.threshold ? 'fake' : 'real';
  }

  private errorItem(input: string, media: MediaType, reason: string, t0: number): ScanItem {
    return {
      input,
      media,
      status: 'error',
      reason,
      p_fake: null,
      verdict: null,
      threshold: this.threshold,
      aggregate: null,
      frames: [],
      tracks: [],
      model: this.info,
      elapsed_ms: Math.round(performance.now() - t0),
    };
  }
}

/** The video-level aggregation of SPEC §7.2 (and the alternatives), through the evaluation module. */
export function aggregateScores(scores: number[], how: VideoAggregation): number {
  const frames = scores.map((score, i) => ({
    file: `f${String(i).padStart(9, '0')}`,
    label: 0,
    score,
    videoId: 'v',
  }));
  return aggregateVideos(frames, { aggregation: how, scoreOf: 'fake' }).videos[0]!.score;
}

function tracksOf(frames: FrameResult[], how: VideoAggregation): TrackResult[] {
  const byId = new Map<number, { frames: number[]; scores: number[]; boxes: FaceResult['box'][] }>();
  for (const f of frames) {
    for (const face of f.faces) {
      if (face.track === null || face.p_fake === null) continue;
      let t = byId.get(face.track);
      if (!t) {
        t = { frames: [], scores: [], boxes: [] };
        byId.set(face.track, t);
      }
      t.frames.push(f.index);
      t.scores.push(face.p_fake);
      t.boxes.push(face.box);
    }
  }
  return [...byId.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, t]) => {
      const n = t.boxes.length;
      const avg = (k: keyof FaceResult['box']) => t.boxes.reduce((s, b) => s + b[k], 0) / n;
      return {
        id,
        frames: t.frames,
        p_fake: aggregateScores(t.scores, how),
        box: { x: avg('x'), y: avg('y'), width: avg('width'), height: avg('height') },
      };
    });
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
