// Makes test/fixtures/crops/unit-mesh.json: fsvfm's face mesh of the committed still grace_hopper.jpg, moved and
// scaled so that its dlib rectangle estimate (src/data/crops/dlibRectFromMesh.ts) is centred at 0 with side 1.
// Test stand-ins for the face detector place it in any box.
//   node --import tsx scripts/reference/makeUnitMesh.ts
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { estimateDlibSquare } from '../../src/data/crops/dlibRectFromMesh.js';
import { FaceDetector } from '../../src/data/faces/index.js';
import { decodeImage } from '../../src/data/media/index.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const detector = await FaceDetector.create();
const img = (await decodeImage(resolve(repoRoot, 'test/fixtures/media/grace_hopper.jpg'))).image;
const [face] = await detector.detect(img);
if (!face) throw new Error('no face on grace_hopper.jpg');
const { cx, cy, side } = estimateDlibSquare(face.landmarks);
const r = (v: number) => Math.round(v * 1e4) / 1e4;
const unit = face.landmarks.map(([x, y, z]) => [r((x - cx) / side), r((y - cy) / side), r(z / side)]);
writeFileSync(resolve(repoRoot, 'test/fixtures/crops/unit-mesh.json'), `${JSON.stringify(unit)}\n`);
