// DfD / DiFF transfer (full fine-tuning and FS-Adapter): the programmatic API behind `fsvfm finetune`.
export { loadFinetuneResume, saveFinetuneCheckpoint } from './finetuneCheckpoint.js';
export { type FinetuneData, type FinetuneDataOptions, loadFinetuneData } from './finetuneData.js';
export {
  buildTrainGraph,
  type FinetuneModelSpec,
  type TrainableModules,
  validationDetectorSpec,
} from './finetuneModel.js';
export { type FinetuneDefaults, type FinetuneOptions, finetuneDefaults } from './finetuneOptions.js';
export type {
  FinetuneCallbacks,
  FinetuneEpochInfo,
  FinetuneStart,
  FinetuneStepInfo,
} from './finetuneRun.js';
export { type FinetuneResult, finetune } from './runFinetune.js';
