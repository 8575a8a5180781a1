import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { FaceDetector } from '../src/data/faces/faceDetector.js';
import { FaceParser } from '../src/data/parsing/faceParser.js';
import { landmarksInCrop } from '../src/data/parsing/landmarksInCrop.js';
import { LAPA_LABEL_NAMES, LapaLabel } from '../src/data/parsing/lapaLabels.js';
import { rasterizeFaceParsing } from '../src/data/parsing/meshParsing.js';
import { parsingOverlayPng } from '../src/data/parsing/parsingOverlay.js';
import { cropFace, loadStill, parsingLayoutProblems, regionStats, stillNames } from './faces-media.js';

let detector: FaceDetector;
let parser: FaceParser;
before(async () => {
  detector = await FaceDetector.create();
  parser = await FaceParser.create();
});
after(() => {
  detector.dispose();
  parser.dispose();
});

async function cropOf(name: string) {
  const img = await loadStill(name);
  const [face] = await detector.detect(img);
  const { crop, region } = await cropFace(img, face.box);
  const landmarks = landmarksInCrop(face.landmarks, region, 224, 224);
  const [bx, by] = landmarksInCrop([[face.box.x, face.box.y, 0]], region, 224, 224)[0];
  const box = {
    x: bx,
    y: by,
    width: (face.box.width * 224) / region.width,
    height: (face.box.height * 224) / region.height,
  };
  return { crop, landmarks, box, face };
}

for (const name of stillNames) {
  test(`${name}: 224×224 LaPa map with parts inside the face box in the right vertical order`, async () => {
    const { crop, landmarks, box } = await cropOf(name);
    const parsing = await parser.parse(crop, landmarks);
    assert.equal(parsing.map.length, 224 * 224);
    assert.ok(parsing.map instanceof Int8Array);
    assert.equal(parsing.labelNames, LAPA_LABEL_NAMES);
    assert.ok(parsing.map.every((v) => v >= 0 && v <= 10));
    assert.deepEqual(parsingLayoutProblems(parsing.map, 224, box), []);
    const skin = regionStats(parsing.map, 224, [LapaLabel.skin]);
    const hair = regionStats(parsing.map, 224, [LapaLabel.hair]);
    const background = regionStats(parsing.map, 224, [LapaLabel.background]);
    assert.ok(skin.count > 0.1 * 224 * 224, `skin ${skin.count}`);
    assert.ok(hair.count > 0.03 * 224 * 224, `hair ${hair.count}`);
    assert.ok(hair.minY < skin.minY + 5, 'hair reaches above the face');
    assert.ok(background.count > 0.1 * 224 * 224, `background ${background.count}`);
    // subject's right parts are on the image's left
    assert.ok(
      regionStats(parsing.map, 224, [LapaLabel.rightEye]).maxX <
        regionStats(parsing.map, 224, [LapaLabel.leftEye]).minX,
    );
  });
}

test('without a person map only the oval and its parts are labelled', async () => {
  const { crop, landmarks } = await cropOf('astronaut.png');
  const parsing = rasterizeFaceParsing(crop, landmarks);
  assert.equal(regionStats(parsing.map, 224, [LapaLabel.hair]).count, 0);
  assert.deepEqual(parsingLayoutProblems(parsing.map, 224, { x: 0, y: 0, width: 224, height: 224 }), []);
});

test('an open mouth gets inner-mouth pixels between the lips, a closed one none', async () => {
  const { crop, landmarks } = await cropOf('astronaut.png');
  const lm = landmarks.map((p) => [...p] as [number, number, number]);
  // close the mouth: move the inner upper-lip contour onto the inner lower one
  const upper = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308];
  const lower = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308];
  upper.forEach((u, k) => {
    lm[u] = [...lm[lower[k]]];
  });
  assert.equal(regionStats(rasterizeFaceParsing(crop, lm).map, 224, [LapaLabel.innerMouth]).count, 0);
  // open it: push the inner lower contour 8 px down
  for (const l of lower.slice(1, -1)) lm[l] = [lm[l][0], lm[l][1] + 8, lm[l][2]];
  const open = regionStats(rasterizeFaceParsing(crop, lm).map, 224, [LapaLabel.innerMouth]);
  assert.ok(open.count > 50, `inner mouth ${open.count}`);
});

test('parsing rejects a short landmark list and a mismatched person map', async () => {
  const crop = { width: 224, height: 224, data: new Uint8Array(224 * 224 * 3) };
  assert.throws(() => rasterizeFaceParsing(crop, [[1, 2, 3]]), /468-point face mesh/);
  const lm = Array.from({ length: 478 }, () => [10, 10, 0] as [number, number, number]);
  assert.throws(() => rasterizeFaceParsing(crop, lm, new Float32Array(10)), /person map/);
});

test('overlay is a PNG of the crop size, coloured where the map is not background', async () => {
  const { crop, landmarks } = await cropOf('grace_hopper.jpg');
  const parsing = await parser.parse(crop, landmarks);
  const png = await parsingOverlayPng(crop, parsing.map);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 224);
  assert.equal(info.height, 224);
  const i = parsing.map.indexOf(LapaLabel.nose);
  assert.notDeepEqual([...data.subarray(3 * i, 3 * i + 3)], [...crop.data.subarray(3 * i, 3 * i + 3)]);
  const j = parsing.map.indexOf(LapaLabel.background);
  assert.deepEqual([...data.subarray(3 * j, 3 * j + 3)], [...crop.data.subarray(3 * j, 3 * j + 3)]);
  await assert.rejects(parsingOverlayPng(crop, new Int8Array(3)), /parsing map has 3 pixels/);
});
