// Stage 6: the FS-Adapter detector scans a demo video end to end (decode → faces → crops → P(fake) per frame → mean).
import { Detector } from '../detect/index.js';
import type { ScanItem } from '../detect/scanResult.js';
import { TINY_MODEL } from './quickstartConfig.js';
import { type QuickstartHooks, QuickstartInterrupted } from './quickstartHooks.js';

export async function scanDemoVideo(
  checkpoint: string,
  video: string,
  frames: number,
  hooks: QuickstartHooks & { threads?: number },
): Promise<ScanItem> {
  const detector = await Detector.create({
    model: checkpoint,
    numHeads: TINY_MODEL.numHeads,
    ...(hooks.threads ? { threads: hooks.threads } : {}),
    onProgress: (p) => {
      if (p.stage === 'frames') hooks.progress?.({ stage: 'scan', done: p.done, total: p.total });
    },
  });
  try {
    return await detector.scanVideo(video, { frames, signal: hooks.signal });
  } catch (err) {
    if (hooks.signal?.aborted) throw new QuickstartInterrupted('the scan');
    throw err;
  } finally {
    detector.dispose();
  }
}
