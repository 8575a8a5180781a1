import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { io } from '@tensorflow/tfjs-core';

/**
 * A tfjs IO handler that reads a graph model (model.json + weight shards) from a `file://` URL.
 * tfjs-core ships no file-system loader outside tfjs-node, and the models ship inside npm packages,
 * so this is what keeps model loading local: no network access at run time.
 */
export function fileModelHandler(url: string): io.IOHandler {
  const jsonPath = fileURLToPath(url);
  return {
    async load(): Promise<io.ModelArtifacts> {
      let model: io.ModelJSON;
      try {
        model = JSON.parse(await readFile(jsonPath, 'utf8')) as io.ModelJSON;
      } catch (err) {
        throw new Error(`cannot read model ${jsonPath}: ${(err as Error).message}`);
      }
      const dir = path.dirname(jsonPath);
      const weightSpecs: io.WeightsManifestEntry[] = [];
      const shards: Buffer[] = [];
      for (const group of model.weightsManifest ?? []) {
        weightSpecs.push(...group.weights);
        for (const shard of group.paths) shards.push(await readFile(path.join(dir, shard)));
      }
      const all = Buffer.concat(shards);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
      return {
        modelTopology: model.modelTopology,
        format: model.format,
        generatedBy: model.generatedBy,
        convertedBy: model.convertedBy,
        signature: model.signature,
        userDefinedMetadata: model.userDefinedMetadata,
        modelInitializer: model.modelInitializer,
        weightSpecs,
        weightData,
      };
    },
  };
}

/**
 * tf.io router: claims `file://…` URLs, leaves every other scheme to the handlers tfjs already has.
 * (tfjs's IORouter type says IOHandler, but its registry treats a null return as "not mine".)
 */
export const fileModelRouter = ((url: string | string[]): io.IOHandler | null => {
  const first = Array.isArray(url) ? url[0] : url;
  return typeof first === 'string' && first.startsWith('file://') ? fileModelHandler(first) : null;
}) as (url: string | string[]) => io.IOHandler;
