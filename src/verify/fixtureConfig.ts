// The model configuration a fixture set was generated with (generation_record.json → a size config).
import { customVit, type SizeConfig } from '../models/sizes.js';
import { readOracleJson } from './oracle.js';

interface ModelConfigRecord {
  embed_dim: number;
  depth: number;
  num_heads: number;
  decoder_embed_dim: number;
  decoder_depth: number;
  decoder_num_heads: number;
  rep_decoder_depth: number;
  rep_decoder_num_heads: number;
  projection_size: number;
  projection_hidden_size: number;
}

export function fixtureSizeConfig(fixtureDir: string): SizeConfig {
  const rec = readOracleJson<{ model_config: ModelConfigRecord }>(
    fixtureDir,
    'generation_record.json',
  ).model_config;
  return customVit({
    embedDim: rec.embed_dim,
    depth: rec.depth,
    numHeads: rec.num_heads,
    patchSize: 16,
    imgSize: 224,
    repDecoder: { dim: rec.embed_dim, depth: rec.rep_decoder_depth, heads: rec.rep_decoder_num_heads },
    pixelDecoder: { dim: rec.decoder_embed_dim, depth: rec.decoder_depth, heads: rec.decoder_num_heads },
    projector: { hidden: rec.projection_hidden_size, out: rec.projection_size },
  });
}
