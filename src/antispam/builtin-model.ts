import { BUILTIN_MODEL } from './builtin-model-weights.js';
import { deserializeSpamModel, type SpamModel, type StoredSpamModel } from './spam-model.js';

/** The shipped model's feature space: 2^16 int8 weights, 64 KB. */
export const BUILTIN_MODEL_BITS = 16;

/** Where the shipped model's weights were learned from, each licensed for redistribution (docs/antispam.md). */
export const BUILTIN_SOURCES = ['ADDetector4J QQ-group set (MIT, (c) 2024 落叶)', 'tg-spam samples (MIT, (c) 2023 Umputun)', 'SMS Spam Collection v.1 (CC BY 4.0, Almeida & Gómez Hidalgo)'] as const;

let cached: SpamModel | null = null;

/** The model a workspace uses until it trains its own: read once, on first use. */
export function builtinSpamModel(): SpamModel {
  cached ??= deserializeSpamModel(BUILTIN_MODEL as unknown as StoredSpamModel);
  return cached;
}
