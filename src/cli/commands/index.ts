// Every CLI command module registers itself on the program; add new commands here.
import type { Command } from 'commander';
import { registerBench } from './bench.js';
import { registerConvert } from './convert.js';
import { registerDemo } from './demo.js';
import { registerDoctor } from './doctor.js';
import { registerEval } from './eval.js';
import { registerFaces } from './faces.js';
import { registerFakes } from './fakes.js';
import { registerFas } from './fas.js';
import { registerFinetune } from './finetune.js';
import { registerInfo } from './info.js';
import { registerInspect } from './inspect.js';
import { registerMask } from './mask.js';
import { registerPretrain } from './pretrain.js';
import { registerQuickstart } from './quickstart.js';
import { registerScan } from './scan.js';
import { registerServe } from './serve.js';
import { registerVerifyFixtures } from './verifyFixtures.js';
import { registerWorker } from './worker.js';

export type RegisterCommand = (program: Command) => void;

export const commandModules: RegisterCommand[] = [
  registerInfo,
  registerMask,
  registerPretrain,
  registerFaces,
  registerFakes,
  registerDoctor,
  registerDemo,
  registerBench,
  registerInspect,
  registerConvert,
  registerVerifyFixtures,
  registerFinetune,
  registerEval,
  registerFas,
  registerScan,
  registerServe,
  registerQuickstart,
  registerWorker,
];
