// Data loaders: the pre-training dataset, its statistics, and the worker-thread batch loader.
export { type DatasetStatsResult, ensureDatasetStats } from './datasetStats.js';
export { readFace, readParsingMap } from './faceSample.js';
export { type BatchJob, type LoadedBatch, loadBatch, type MaskSpec } from './loaderJobs.js';
export { type PretrainSample, scanPretrainDataset } from './pretrainDataset.js';
export { type LoaderState, PretrainLoader, type PretrainLoaderOptions } from './pretrainLoader.js';
export { LoaderPool } from './workerPool.js';
