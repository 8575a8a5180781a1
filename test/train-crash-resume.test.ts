// Crash-consistent training: `fsvfm pretrain`, `fsvfm finetune` and `fsvfm fas` on tiny models are killed with
// SIGKILL at chosen moments (once while a checkpoint is being written, once at a random moment), resumed with
// --resume each time, and must end exactly where an uninterrupted run ends: the same tensors in every checkpoint,
// the same log, no temp file left behind. The rule they share lives in src/train/run/reconcileOutputs.ts.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { LazyTensor } from '../src/io/lazyTensor.js';
import { PyObject, type PyValue } from '../src/io/pickleValues.js';
import { openTorchCheckpoint } from '../src/io/torchCheckpoint.js';
import { saveTorchCheckpoint } from '../src/io/torchSave.js';
import { resolveResume, STATE_KEY } from '../src/train/pretrain/pretrainCheckpoint.js';
import { reconcileOutputs } from '../src/train/run/reconcileOutputs.js';
import { writeTinyPretrainSet } from './pretrain-fixtures.js';
import {
  ckpt,
  fakeVariant,
  fixtureFaces,
  SKIP_REASON,
  writePng,
  writeRealFakeFolder,
} from './protocol-fixtures.js';
import { scratchDir } from './scratchDir.js';

const repo = path.resolve(import.meta.dirname, '..');

interface Exit {
  code: number | null;
  killed: boolean;
  /** temp files of atomic writes in the output folder right after the kill */
  tempFiles: string[];
  stderr: string;
}

const isTemp = (f: string): boolean => /^\..+\.tmp$/.test(f);
const tempFilesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter(isTemp) : []);

/**
 * Runs the CLI; `kill` decides when to send SIGKILL: while a checkpoint is being written (its temp file appears in
 * `out`), or after some milliseconds. A run that ends first simply ends.
 */
type KillAt = 'checkpoint-write' | { afterLine: RegExp; delayMs: number };

function runCli(args: string[], out: string, kill?: KillAt): Promise<Exit> {
  mkdirSync(out, { recursive: true });
  const leftBefore = new Set(tempFilesIn(out));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let timer: NodeJS.Timeout | null = null;
  let printed = '';
  const onOutput = (c: Buffer): void => {
    printed += c.toString();
    if (kill && kill !== 'checkpoint-write' && !timer && kill.afterLine.test(printed))
      timer = setTimeout(killNow, kill.delayMs);
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
    onOutput(c);
  });
  let killed = false;
  let tempFiles: string[] = [];
  const killNow = (): void => {
    if (killed || child.exitCode !== null) return;
    killed = child.kill('SIGKILL');
    tempFiles = tempFilesIn(out).filter((f) => !leftBefore.has(f));
  };
  const watcher =
    kill === 'checkpoint-write'
      ? watch(out, (_event, name) => {
          if (name && isTemp(name) && /checkpoint/.test(name)) killNow();
        })
      : null;
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      watcher?.close();
      if (timer) clearTimeout(timer);
      resolve({ code, killed, tempFiles, stderr });
    });
  });
}

/** Every value of a checkpoint, tensors as their bytes; `args.resume` (the path resumed from) is left out. */
async function checkpointContent(file: string): Promise<unknown> {
  const c = await openTorchCheckpoint(file);
  try {
    const walk = async (v: PyValue | undefined, at: string): Promise<unknown> => {
      if (v instanceof LazyTensor) {
        const d = await v.read({ raw: true });
        const bytes = Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex');
        return { shape: v.shape, dtype: v.dtype, bytes };
      }
      if (v instanceof Map) {
        const out: [unknown, unknown][] = [];
        for (const [k, x] of v) out.push([k, await walk(x, `${at}.${String(k)}`)]);
        return out;
      }
      if (v instanceof PyObject) {
        const out: [string, unknown][] = [];
        for (const [k, x] of v.attrs)
          if (!(at === '.args' && k === 'resume')) out.push([k, await walk(x, at)]);
        return { pyClass: v.pyClass, attrs: out };
      }
      if (Array.isArray(v)) return Promise.all(v.map((x) => walk(x, at)));
      return typeof v === 'object' && v !== null
        ? JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x)))
        : v;
    };
    return await walk(c.root, '');
  } finally {
    c.close();
  }
}

/** The files a run leaves, by name: checkpoints by content, everything else by bytes. */
async function outputs(dir: string): Promise<Map<string, unknown>> {
  const files = new Map<string, unknown>();
  for (const f of readdirSync(dir).sort()) {
    const p = path.join(dir, f);
    files.set(f, /\.pth(\.tar)?$/.test(f) ? await checkpointContent(p) : readFileSync(p).toString('base64'));
  }
  return files;
}

/**
 * The uninterrupted run, then the same run in the same folder killed while writing a checkpoint, resumed and killed
 * at a random moment, and resumed to the end: its files must equal the uninterrupted run's.
 */
async function killAndResume(
  name: string,
  args: (out: string) => string[],
  resumeArgs: (out: string) => string[] | null,
  /** a line the command prints once it is training (an epoch or evaluation report) */
  trainingLine: RegExp,
  random: () => number,
): Promise<{ kills: Exit[] }> {
  const out = path.join(work, name);
  const reference = await runCli(args(out), out);
  assert.equal(reference.code, 0, reference.stderr);
  const expected = await outputs(out);
  renameSync(out, `${out}-reference`);

  const kills: Exit[] = [];
  const attempt = async (kill?: KillAt): Promise<Exit> => {
    const resume = existsSync(out) ? resumeArgs(out) : null;
    const e = await runCli([...args(out), ...(resume ?? [])], out, kill);
    if (e.killed) kills.push(e);
    else assert.equal(e.code, 0, e.stderr);
    return e;
  };
  await attempt('checkpoint-write');
  // at a random moment of the resumed training (start-up and compiling are not the interesting part)
  await attempt({ afterLine: trainingLine, delayMs: Math.round(random() * 600) });
  await attempt();
  assert.deepEqual(tempFilesIn(out), [], 'the resumed run removes the temp files of killed writes');
  const got = await outputs(out);
  assert.deepEqual([...got.keys()], [...expected.keys()], `${name}: the same files`);
  for (const [f, content] of expected) assert.deepEqual(got.get(f), content, `${name}: ${f} differs`);
  return { kills };
}

/** A seeded uniform generator, so a failure can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = Number(process.env.FSVFM_CRASH_SEED ?? 20260601);

let work = '';
before(async () => {
  if (SKIP_REASON) return;
  work = scratchDir('fsvfm-crash-');
});

const lastCheckpoint = (out: string): string[] | null =>
  existsSync(path.join(out, 'checkpoint-last.pth'))
    ? ['--resume', path.join(out, 'checkpoint-last.pth')]
    : null;

/** The three commands run side by side: each spends most of its time starting up and compiling its graphs. */
describe('kill -9 and --resume', { skip: SKIP_REASON, concurrency: 3 }, () => {
  test('fsvfm pretrain: killed mid-checkpoint and at random, resumed from the folder, ends as the uninterrupted run', async (t) => {
    const data = await writeTinyPretrainSet(path.join(work, 'pretrain-data'), 8);
    const tiny = ['--embed_dim', '32', '--depth', '1', '--num_heads', '2', '--decoder_embed_dim', '32'];
    const decoders = ['--decoder_depth', '1', '--decoder_num_heads', '2', '--rep_decoder_depth', '1'];
    const projector = [
      '--rep_decoder_num_heads',
      '2',
      '--projection_size',
      '16',
      '--projection_hidden_size',
      '64',
    ];
    const { kills } = await killAndResume(
      'pretrain',
      (out) => [
        'pretrain',
        '--data',
        data,
        '--output_dir',
        out,
        '--model',
        'custom',
        ...tiny,
        ...decoders,
        ...projector,
        '--norm_pix_loss',
        '--batch_size',
        '4',
        '--epochs',
        '4',
        '--warmup_epochs',
        '0',
        '--blr',
        '1e-3',
        '--save_every',
        '1',
        '--threads',
        '2',
        '--vis_count',
        '0',
      ],
      (out) => (readdirSync(out).some((f) => /^checkpoint-\d+\.pth$/.test(f)) ? ['--resume', out] : null),
      /^epoch \d+:/m,
      mulberry32(SEED),
    );
    report(t, kills);
  });

  test('fsvfm finetune: killed mid-checkpoint and at random, --resume checkpoint-last.pth ends as the uninterrupted run', async (t) => {
    const data = path.join(work, 'finetune-data');
    await writeRealFakeFolder(path.join(data, 'train'), 2);
    await writeRealFakeFolder(path.join(data, 'val'), 2);
    const { kills } = await killAndResume(
      'finetune',
      (out) => [
        'finetune',
        '--data_path',
        data,
        '--finetune',
        ckpt('pretrain-online.pth'),
        '--model',
        'custom',
        '--num_heads',
        '3',
        '--trainable',
        'fs-adapter',
        '--output_dir',
        out,
        '--batch_size',
        '2',
        '--epochs',
        '4',
        '--warmup_epochs',
        '0',
        '--aa',
        'none',
        '--threads',
        '2',
        '--no-progress',
      ],
      lastCheckpoint,
      /epoch \d+: train loss/,
      mulberry32(SEED + 1),
    );
    report(t, kills);
  });

  test('fsvfm fas --resume: killed mid-checkpoint and at random over two runs, ends as the uninterrupted protocol', async (t) => {
    const root = path.join(work, 'fas-data');
    const faces = fixtureFaces();
    mkdirSync(path.join(root, 'txt'), { recursive: true });
    for (const ds of ['oulu', 'casia', 'replay', 'celeb', 'msu']) {
      const split = ds === 'msu' ? 'test' : 'train';
      for (const kind of ['real', 'fake'] as const) {
        const lines: string[] = [];
        for (let v = 0; v < 2; v++) {
          const face = faces[(v + ds.length) % 4]!;
          const img = kind === 'real' ? face : fakeVariant(face, 30);
          for (const f of split === 'test' ? [0, 1] : [0])
            await writePng(path.join(root, 'frame', `${ds}/${split}/${kind}/v${v}_frame${f}.png`), img);
          lines.push(`${ds}/${split}/${kind}/v${v}_frame0.png`);
        }
        writeFileSync(path.join(root, 'txt', `${ds}_${kind}_${split}.txt`), `${lines.join('\n')}\n`);
      }
    }
    const { kills } = await killAndResume(
      'fas',
      (out) => [
        'fas',
        '--config',
        'M',
        '--data_root',
        root,
        '--pt_model',
        ckpt('pretrain-online.pth'),
        '--num_heads',
        '3',
        '--trainable',
        'fs-adapter',
        '--output_dir',
        out,
        '--iterations',
        '4',
        '--eval_every',
        '2',
        '--batch_size',
        '1',
        '--lr',
        '1e-3',
        '--runs',
        '2',
        '--threads',
        '2',
        '--no-progress',
      ],
      lastCheckpoint,
      /^run \d+ it \d+:/m,
      mulberry32(SEED + 2),
    );
    report(t, kills);
  });
});

/** Says where the kills landed, and checks that the runs were really interrupted. */
function report(t: { diagnostic(message: string): void }, kills: Exit[]): void {
  for (const k of kills)
    t.diagnostic(`killed ${k.tempFiles.length ? `mid-write (${k.tempFiles.join(', ')})` : 'between writes'}`);
  assert.ok(kills.length >= 1, 'at least one run was killed before it ended');
}

test('a pair written half (killed between the online and the target file) is never resumed from', async () => {
  const dir = scratchDir('fsvfm-pairs-');
  const save = (file: string, epoch: number) =>
    saveTorchCheckpoint(path.join(dir, file), {
      model: new Map(),
      epoch,
      [STATE_KEY]: new Map<PyValue, PyValue>([['json', JSON.stringify({ epoch: epoch + 1, step: 0 })]]),
    });
  await save('checkpoint-0.pth', 0);
  await save('checkpoint-te-0.pth', 0);
  await save('checkpoint-te-1.pth', 0); // an older target under the name the killed run was about to replace
  await new Promise((r) => setTimeout(r, 20));
  await save('checkpoint-1.pth', 1);
  assert.deepEqual(await resolveResume(dir), {
    online: path.join(dir, 'checkpoint-0.pth'),
    target: path.join(dir, 'checkpoint-te-0.pth'),
  });
  await assert.rejects(resolveResume(path.join(dir, 'checkpoint-1.pth')), /was not written with it/);
});

test('temp files of killed writes are removed, those of live processes kept; a resumed log is cut back', async () => {
  const dir = scratchDir('fsvfm-reconcile-');
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFileSync(path.join(dir, `.checkpoint-last.pth.${dead}.0.tmp`), 'half');
  writeFileSync(path.join(dir, `.log.txt.${process.ppid}.3.tmp`), 'in flight');
  const log = path.join(dir, 'log.txt');
  writeFileSync(log, `${[0, 1, 2].map((epoch) => JSON.stringify({ epoch })).join('\n')}\n{"epo`);
  await reconcileOutputs(
    { dir, log: { path: log, before: (e, at) => Number(e.epoch) < at.epoch } },
    { epoch: 2, step: 0 },
  );
  assert.deepEqual(readdirSync(dir).sort(), [`.log.txt.${process.ppid}.3.tmp`, 'log.txt']);
  assert.equal(readFileSync(log, 'utf8'), '{"epoch":0}\n{"epoch":1}\n');
});
