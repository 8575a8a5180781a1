import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compareCodePoints, sortByCodePoint } from '../src/data/folders/codePointOrder.js';
import { concatImageFolders } from '../src/data/folders/concatFolders.js';
import { ffppIdentity, identitySplit, splitOf } from '../src/data/folders/identitySplit.js';
import { checkRealClass, scanImageFolder } from '../src/data/folders/imageFolder.js';
import { parseLabelFile, readFasSplit, readLabelFile } from '../src/data/folders/labelFile.js';
import { fasVideoId, groupByVideo, videoIdFromFrameName } from '../src/data/folders/videoId.js';
import { needsOracle, oraclePath } from './oracle-fixtures.js';
import { scratchDir } from './scratchDir.js';

const tmp = scratchDir('fsvfm-folders-');

function touch(...parts: string[]): string {
  const p = path.join(tmp, ...parts);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, '');
  return p;
}

const metricsFile = oraclePath('expected/metrics.json');

describe('code-point order', () => {
  it('sorts like Python, not like UTF-16 code units', () => {
    // U+FF5E (fullwidth tilde) < U+1F600 (emoji) by code point, but not by UTF-16 unit
    assert.ok(compareCodePoints('\uFF5E', '\u{1F600}') < 0);
    assert.deepEqual(sortByCodePoint(['real_youtube', 'fake_four', 'Fake', '\u{1F600}', '\uFF5E']), [
      'Fake',
      'fake_four',
      'real_youtube',
      '\uFF5E',
      '\u{1F600}',
    ]);
  });
});

describe('ImageFolder', () => {
  it('fake_four → 0, real_youtube → 1; frames in string order; only image files', () => {
    const root = path.join(tmp, 'ff');
    for (const f of ['a_frame_10.png', 'a_frame_2.png', 'notes.txt', 'b_frame_0.JPG'])
      touch('ff', 'real_youtube', f);
    touch('ff', 'fake_four', 'sub', 'x_frame_1.png');
    touch('ff', 'fake_four', 'w_frame_3.png');
    const ds = scanImageFolder(root);
    assert.deepEqual(ds.classes, ['fake_four', 'real_youtube']);
    assert.deepEqual(ds.classToIdx, { fake_four: 0, real_youtube: 1 });
    assert.deepEqual(
      ds.samples.map((s) => [path.relative(root, s.path), s.label]),
      [
        ['fake_four/w_frame_3.png', 0],
        ['fake_four/sub/x_frame_1.png', 0],
        ['real_youtube/a_frame_10.png', 1],
        ['real_youtube/a_frame_2.png', 1],
        ['real_youtube/b_frame_0.JPG', 1],
      ],
    );
    assert.deepEqual(checkRealClass(ds.classes), { realIndex: 1 });
  });

  it('matches the official loader order of the oracle video case', {
    skip: needsOracle,
  }, () => {
    const m = JSON.parse(readFileSync(metricsFile, 'utf8')) as {
      dfd_video_case: { frames_in_loader_order: { file: string; class_index: number; video_name: string }[] };
    };
    const frames = m.dfd_video_case.frames_in_loader_order;
    const root = path.join(tmp, 'oracle');
    // create in reverse so directory order cannot help
    for (const f of [...frames].reverse()) touch('oracle', f.file);
    const ds = scanImageFolder(path.join(root, 'test'));
    assert.deepEqual(
      ds.samples.map((s) => path.relative(root, s.path)),
      frames.map((f) => f.file),
    );
    assert.deepEqual(
      ds.samples.map((s) => s.label),
      frames.map((f) => f.class_index),
    );
    assert.deepEqual(
      ds.samples.map((s) => videoIdFromFrameName(s.path)),
      frames.map((f) => f.video_name),
    );
  });

  it('flags a real class that is not id 1', () => {
    const c = checkRealClass(['real', 'spoof']);
    assert.equal(c.realIndex, 0);
    assert.match(c.warning ?? '', /gets id 0, not 1/);
    assert.equal(checkRealClass(['a', 'b']).realIndex, null);
  });

  it('clear errors: missing root, one class, empty class', () => {
    assert.throws(() => scanImageFolder(path.join(tmp, 'nope')), /does not exist/);
    touch('one', 'real', 'x.png');
    assert.throws(() => scanImageFolder(path.join(tmp, 'one')), /only one class folder \('real'\)/);
    assert.equal(scanImageFolder(path.join(tmp, 'one'), { allowSingleClass: true }).samples.length, 1);
    touch('emptycls', 'real', 'x.png');
    mkdirSync(path.join(tmp, 'emptycls', 'fake'), { recursive: true });
    assert.throws(
      () => scanImageFolder(path.join(tmp, 'emptycls')),
      /no images .* in class folder\(s\) 'fake'/,
    );
  });

  it('concatenates roots with the same classes and refuses different ones', () => {
    touch('r1', 'fake', 'a.png');
    touch('r1', 'real', 'b.png');
    touch('r2', 'fake', 'c.png');
    touch('r2', 'real', 'd.png');
    touch('r3', 'fake', 'e.png');
    touch('r3', 'live', 'f.png');
    const ds = concatImageFolders([path.join(tmp, 'r1'), path.join(tmp, 'r2')]);
    assert.deepEqual(
      ds.samples.map((s) => [path.basename(s.path), s.label]),
      [
        ['a.png', 0],
        ['b.png', 1],
        ['c.png', 0],
        ['d.png', 1],
      ],
    );
    assert.throws(
      () => concatImageFolders([path.join(tmp, 'r1'), path.join(tmp, 'r3')]),
      /class folders differ/,
    );
    assert.throws(() => concatImageFolders([]), /no dataset roots/);
  });
});

describe('label files', () => {
  it('parses path/label lines with each delimiter and the root prefix', () => {
    touch('lf', 'img', 'a.png');
    touch('lf', 'img', 'b.png');
    const root = path.join(tmp, 'lf');
    const ds = parseLabelFile('/img/a.png 1\nimg/b.png 0\n\n', 'list.txt', { root });
    assert.deepEqual(ds.labels, [0, 1]);
    assert.deepEqual(
      ds.samples.map((s) => [path.relative(root, s.path), s.label]),
      [
        ['img/a.png', 1],
        ['img/b.png', 0],
      ],
    );
    assert.equal(parseLabelFile('img/a.png, 1', 'l', { root, delimiter: ', ' }).samples[0].label, 1);
    assert.equal(parseLabelFile('img/a.png,1', 'l', { root, delimiter: ',' }).samples[0].label, 1);
  });
  it('reports malformed lines with their line number', () => {
    assert.throws(
      () => parseLabelFile('a.png 1\nb.png\n', 'l.txt', { checkFiles: false }),
      /l\.txt:2: expected/,
    );
    assert.throws(() => parseLabelFile('a.png x', 'l.txt', { checkFiles: false }), /l\.txt:1: label must be/);
    assert.throws(
      () => parseLabelFile('my file.png 1', 'l.txt', { checkFiles: false }),
      /l\.txt:1: expected/,
    );
    assert.throws(() => parseLabelFile('\n\n', 'l.txt', { checkFiles: false }), /lists no samples/);
  });
  it('reports files that do not exist', () => {
    assert.throws(
      () => parseLabelFile('gone.png 1', 'l.txt', { root: tmp }),
      /1 file\(s\) listed in 'l\.txt' do not exist/,
    );
    assert.throws(() => readLabelFile(path.join(tmp, 'missing.txt')), /does not exist/);
  });
  it('FAS lists: real 1, fake 0, test adds the frame1 twin once', () => {
    const root = path.join(tmp, 'MCIO');
    for (const f of [
      'casia/test/real/v1_frame0.png',
      'casia/test/real/v1_frame1.png',
      'casia/test/fake/v2_frame0.png',
      'casia/test/fake/v2_frame1.png',
    ]) {
      touch('MCIO', 'frame', f);
    }
    mkdirSync(path.join(root, 'txt'), { recursive: true });
    writeFileSync(
      path.join(root, 'txt', 'casia_real_test.txt'),
      'casia/test/real/v1_frame0.png\ncasia/test/real/v1_frame1.png\n',
    );
    writeFileSync(path.join(root, 'txt', 'casia_fake_test.txt'), 'casia/test/fake/v2_frame0.png\n');
    const s = readFasSplit(root, 'casia', 'test');
    assert.deepEqual(
      s.map((x) => [path.relative(path.join(root, 'frame'), x.path), x.label]),
      [
        ['casia/test/real/v1_frame0.png', 1],
        ['casia/test/real/v1_frame1.png', 1],
        ['casia/test/fake/v2_frame0.png', 0],
        ['casia/test/fake/v2_frame1.png', 0],
      ],
    );
    assert.equal(fasVideoId(s[1].path), fasVideoId(s[0].path));
    assert.throws(() => readFasSplit(root, 'msu', 'test'), /does not exist/);
  });
});

describe('video ids and identity splits', () => {
  it('video id = file name up to the first _frame_', () => {
    assert.equal(videoIdFromFrameName('/d/fake/clip_frame_x_frame_7.png'), 'clip');
    assert.equal(videoIdFromFrameName('Deepfakes_000_003_frame_14.png'), 'Deepfakes_000_003');
    assert.equal(videoIdFromFrameName('still.png'), 'still.png');
    const g = groupByVideo(['a_frame_1.png', 'b_frame_0.png', 'a_frame_2.png']);
    assert.deepEqual(
      [...g.entries()],
      [
        ['a', [0, 2]],
        ['b', [1]],
      ],
    );
  });
  it('splits identities deterministically and never splits one identity', () => {
    const videos = Array.from(
      { length: 300 },
      (_, i) => `Deepfakes_${String(i).padStart(3, '0')}_${String((i * 7) % 1000).padStart(3, '0')}`,
    );
    const frames = videos.flatMap((v) => [`${v}_frame_0.png`, `${v}_frame_1.png`]);
    const idOf = (f: string): string => ffppIdentity(videoIdFromFrameName(f));
    const fr = { train: 0.8, val: 0.1, test: 0.1 };
    const a = identitySplit(frames, idOf, fr);
    const b = identitySplit(frames, idOf, fr);
    assert.deepEqual(a, b);
    assert.equal(a.train.length + a.val.length + a.test.length, frames.length);
    for (const f of a.train) assert.equal(splitOf(idOf(f), fr), 'train');
    const trainIds = new Set(a.train.map(idOf));
    for (const f of [...a.val, ...a.test]) assert.ok(!trainIds.has(idOf(f)));
    assert.ok(a.train.length > 400 && a.val.length > 20 && a.test.length > 20);
    assert.equal(ffppIdentity('youtube_042'), '042');
  });
  it('empty split is an error that says what to do', () => {
    assert.throws(
      () => identitySplit(['a_frame_0.png'], videoIdFromFrameName, { train: 0.5, val: 0.25, test: 0.25 }),
      /split is empty: 1 identity/,
    );
    assert.throws(() => identitySplit(['a'], (x) => x, { train: 0, val: 0, test: 0 }), /sum to 0/);
  });
});
