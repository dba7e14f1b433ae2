import { type MessageFeatures, messageFeatures } from './text-features.js';

/**
 * A spam classifier: logistic regression over hashed features (see text-features.ts),
 * trained with AdaGrad. Small enough to keep per workspace in the database, fast
 * enough to judge a message in microseconds. Pure: training and scoring do no I/O.
 */
export interface SpamModel {
  /** log2 of the feature space. */
  bits: number;
  bias: number;
  weights: Float32Array;
  /** Score at or above which a message is spam. */
  threshold: number;
  trainedOn: { spam: number; ham: number };
}

export interface LabelledText {
  label: 'spam' | 'ham';
  text: string;
}

export interface TrainOptions {
  bits?: number;
  epochs?: number;
  /** Called now and then with how many examples of how many (over all epochs) are done. */
  onProgress?: (done: number, total: number) => void;
}

/** FNV-1a, 32 bits. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A message's distinct hashed feature slots. */
export function featureSlots(text: string | MessageFeatures, bits: number): Uint32Array {
  const mask = (1 << bits) - 1;
  const slots = new Set<number>();
  for (const f of (typeof text === 'string' ? messageFeatures(text) : text).features) slots.add(hash(f) & mask);
  return Uint32Array.from(slots);
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function margin(model: Pick<SpamModel, 'bias' | 'weights'>, slots: Uint32Array): number {
  if (slots.length === 0) return model.bias;
  let z = 0;
  for (const s of slots) z += model.weights[s] as number;
  return model.bias + z / Math.sqrt(slots.length);
}

/** A deterministic shuffle (mulberry32), so the same data trains the same model. */
function shuffled(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let a = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    const j = Math.floor(r * (i + 1));
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
}

export function trainSpamModel(examples: readonly LabelledText[], options: TrainOptions = {}): SpamModel {
  const bits = options.bits ?? 18;
  const epochs = options.epochs ?? 3;
  const size = 1 << bits;
  const weights = new Float32Array(size);
  const g2 = new Float32Array(size);
  let bias = 0;
  let biasG2 = 0;
  const rate = 0.4;
  const l2 = 1e-3;
  const slots = examples.map((e) => featureSlots(e.text, bits));
  const ys: number[] = examples.map((e) => (e.label === 'spam' ? 1 : 0));
  const spamCount = ys.reduce((a, b) => a + b, 0);
  // Each class weighs the same in all: a set with few spam examples still learns spam,
  // and the score does not lean on how common spam happened to be in the training file.
  const classWeight = [examples.length / (2 * Math.max(1, examples.length - spamCount)), examples.length / (2 * Math.max(1, spamCount))];
  const total = examples.length * epochs;
  let done = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffled(examples.length, 0x5eed + epoch);
    for (const i of order) {
      const x = slots[i] as Uint32Array;
      const norm = x.length ? 1 / Math.sqrt(x.length) : 0;
      const p = sigmoid(margin({ bias, weights }, x));
      const g = (p - (ys[i] as number)) * (classWeight[ys[i] as number] as number);
      biasG2 += g * g;
      bias -= (rate * g) / Math.sqrt(biasG2 + 1e-8);
      for (const s of x) {
        const gs = g * norm + l2 * (weights[s] as number);
        g2[s] = (g2[s] as number) + gs * gs;
        weights[s] = (weights[s] as number) - (rate * gs) / Math.sqrt((g2[s] as number) + 1e-8);
      }
      if (++done % 5000 === 0) options.onProgress?.(done, total);
    }
  }
  options.onProgress?.(total, total);
  return { bits, bias, weights, threshold: 0.5, trainedOn: { spam: spamCount, ham: examples.length - spamCount } };
}

/** The model's probability that the text is spam, 0..1. */
export function spamScore(model: SpamModel, text: string | MessageFeatures): number {
  return sigmoid(margin(model, featureSlots(text, model.bits)));
}

/** How a model is kept: JSON with its weights as base64 (float32, or int8 with a scale for the shipped one). */
export interface StoredSpamModel {
  version: 1;
  bits: number;
  bias: number;
  threshold: number;
  trainedOn: { spam: number; ham: number };
  encoding: 'f32' | 'i8';
  scale: number;
  weights: string;
}

export function serializeSpamModel(model: SpamModel, encoding: 'f32' | 'i8' = 'f32'): StoredSpamModel {
  let bytes: Uint8Array;
  let scale = 1;
  if (encoding === 'i8') {
    let max = 0;
    for (const w of model.weights) max = Math.max(max, Math.abs(w));
    scale = max / 127 || 1;
    const q = new Int8Array(model.weights.length);
    for (let i = 0; i < q.length; i++) q[i] = Math.round((model.weights[i] as number) / scale);
    bytes = new Uint8Array(q.buffer);
  } else bytes = new Uint8Array(model.weights.buffer, model.weights.byteOffset, model.weights.byteLength);
  return { version: 1, bits: model.bits, bias: model.bias, threshold: model.threshold, trainedOn: model.trainedOn, encoding, scale, weights: Buffer.from(bytes).toString('base64') };
}

export class SpamModelError extends Error {
  override readonly name = 'InvalidSpamModel';
}

export function deserializeSpamModel(stored: StoredSpamModel): SpamModel {
  if (stored.version !== 1 || !Number.isInteger(stored.bits) || stored.bits < 8 || stored.bits > 24) throw new SpamModelError('the stored spam model is not one this version of Hearth reads');
  const bytes = Buffer.from(stored.weights, 'base64');
  const size = 1 << stored.bits;
  const weights = new Float32Array(size);
  if (stored.encoding === 'i8') {
    if (bytes.length !== size) throw new SpamModelError('the stored spam model is truncated');
    for (let i = 0; i < size; i++) weights[i] = (((bytes[i] as number) << 24) >> 24) * stored.scale;
  } else {
    if (bytes.length !== size * 4) throw new SpamModelError('the stored spam model is truncated');
    weights.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
  }
  return { bits: stored.bits, bias: stored.bias, weights, threshold: stored.threshold, trainedOn: stored.trainedOn };
}
