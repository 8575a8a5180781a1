import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { groupAucs } from '../src/eval/groupAuc.js';
import { evaluate, personOf } from '../src/eval/protocols/index.js';
import type { EvaluationResult } from '../src/eval/resultSchema.js';
import { HELDOUT_PERSON_PATTERN } from '../src/quickstart/evaluateDetectors.js';
import { fakeTestName, realTestName } from '../src/quickstart/heldoutClips.js';
import { ckpt, fixtureFaces, SKIP_REASON, writePng } from './protocol-fixtures.js';
import { scratchDir } from './scratchDir.js';

test('per-person AUC: each person ranked only against itself; one-class people left out', () => {
  // pooled, person b's real faces score more fake than person a's fakes: pooled AUC < 1, within each person 1
  const s = [
    { group: 'a', label: 1, score: 0.1 },
    { group: 'a', label: 0, score: 0.3 },
    { group: 'b', label: 1, score: 0.6 },
    { group: 'b', label: 0, score: 0.9 },
    { group: 'c', label: 1, score: 0.5 },
  ];
  const r = groupAucs(s, 'fake', 'person');
  assert.deepEqual(
    r.groups.map((g) => [g.group, g.auc, g.real, g.fake]),
    [
      ['a', 1, 1, 1],
      ['b', 1, 1, 1],
    ],
  );
  assert.equal(r.meanAuc, 1);
  assert.equal(r.oneClass, 1);
  assert.ok(Number.isNaN(groupAucs([{ group: 'x', label: 1, score: 0 }], 'fake', 'person').meanAuc));
});

test('the quickstart person of a clip id: real clips and their fakes belong to the person', () => {
  const p = new RegExp(HELDOUT_PERSON_PATTERN);
  const real = realTestName('jean-paul_frame_12.png', 'jean-paul-c3').split('_frame_')[0]!;
  const fake = fakeTestName('jean-paul_frame_12.png', 'jean-paul-c3', 'swap', 0).split('_frame_')[0]!;
  assert.equal(personOf(p, real), 'jean-paul');
  assert.equal(personOf(p, fake), 'jean-paul');
  assert.equal(personOf(p, 'astronaut'), 'astronaut');
});

test('eval with a person pattern: per-person AUC next to the pooled AUC at frame and video level', {
  skip: SKIP_REASON,
}, async () => {
  const root = scratchDir('fsvfm-eval-person-');
  const faces = fixtureFaces();
  // person p0: real + fake video; person p1: real + fake video
  for (let i = 0; i < 4; i++) {
    const cls = i % 2 ? 'fake' : 'real';
    await writePng(path.join(root, 'test', cls, `p${i >> 1}-${cls}_frame_${i}.png`), faces[i]!);
  }
  const r = await evaluate({
    protocol: 'dfd',
    checkpoint: ckpt('fsadapter-vit.pth'),
    data: [`fixture=${root}`],
    out: path.join(root, 'out'),
    model: 'custom',
    numHeads: 3,
    personId: '^(p\\d+)-',
  });
  const json = JSON.parse(readFileSync(r.files.json, 'utf8')) as EvaluationResult;
  for (const level of ['frame', 'video'] as const) {
    const set = json.sets.find((s) => s.level === level)!;
    assert.equal(typeof set.summary.auc, 'number');
    assert.deepEqual(
      set.perPerson!.groups.map((g) => [g.group, g.real, g.fake]),
      [
        ['p0', 1, 1],
        ['p1', 1, 1],
      ],
    );
    const mean = set.perPerson!.groups.reduce((a, g) => a + g.auc, 0) / 2;
    assert.equal(set.perPerson!.meanAuc, mean);
  }
  await assert.rejects(
    evaluate({ protocol: 'dfd', checkpoint: 'x.pth', data: [root], out: root, personId: '(' }),
    /--person_id '\(' is not a regular expression/,
  );
});
