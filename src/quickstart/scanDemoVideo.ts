// The last stage: the FS-Adapter detector scans the held-out real video and the fake made from it, end to end
// (decode → faces → crops → P(fake) per frame → mean), with the threshold calibrated on its validation split
// (calibration.json beside the checkpoint, picked up as `fsvfm scan` would), and each verdict checked against the truth.
import { Detector } from '../detect/index.js';
import type { ScanItem } from '../detect/scanResult.js';
import { TINY_MODEL } from './quickstartConfig.js';
import { type QuickstartHooks, QuickstartInterrupted } from './quickstartHooks.js';
import type { ScanSummary } from './quickstartSummary.js';

export interface DemoVideo {
  video: string;
  truth: 'real' | 'fake';
}

export async function scanDemoVideos(
  checkpoint: string,
  videos: readonly DemoVideo[],
  frames: number,
  hooks: QuickstartHooks & { threads?: number },
): Promise<ScanSummary[]> {
  let current = 0;
  const detector = await Detector.create({
    model: checkpoint,
    numHeads: TINY_MODEL.numHeads,
    ...(hooks.threads ? { threads: hooks.threads } : {}),
    onProgress: (p) => {
      if (p.stage === 'frames')
        hooks.progress?.({
          stage: `scan ${videos[current]!.truth}`,
          done: p.done,
          total: p.total,
        });
    },
  });
  try {
    const out: ScanSummary[] = [];
    for (; current < videos.length; current++) {
      const v = videos[current]!;
      out.push(scanSummary(v, await detector.scanVideo(v.video, { frames, signal: hooks.signal })));
    }
    return out;
  } catch (err) {
    if (hooks.signal?.aborted) throw new QuickstartInterrupted('the scan');
    throw err;
  } finally {
    detector.dispose();
  }
}

function scanSummary(v: DemoVideo, item: ScanItem): ScanSummary {
  return {
    video: v.video,
    p_fake: item.p_fake,
    verdict: item.verdict,
    threshold: item.threshold,
    framesScored: item.frames.filter((f) => f.p_fake !== null).length,
    item,
    truth: v.truth,
    thresholdSource: item.model.threshold_source,
    correct: item.verdict === null ? null : item.verdict === v.truth,
  };
}
