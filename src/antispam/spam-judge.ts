import { type SpamModel, spamScore } from './spam-model.js';
import { messageFeatures } from './text-features.js';
import { ruleScore, type SpamSignal, spamSignals } from './spam-signals.js';

/** One message's verdict, as `hearth spam check` prints it and the spam rule reads it. */
export interface SpamVerdict {
  verdict: 'spam' | 'ham';
  /** 0..1, rounded to 4 places. */
  score: number;
  /** What was seen: the signals, and 'classifier' when the model's score carried it. */
  reasons: string[];
}

/**
 * Judges a message: by the model when there is one (the signals are given as reasons),
 * by the built-in rules otherwise. Pure and fast (microseconds for a chat line).
 */
export function judgeMessage(model: SpamModel | null, text: string): SpamVerdict {
  const read = messageFeatures(text);
  const signals: SpamSignal[] = spamSignals(text, read);
  // The rules carry a message the model is unsure of when it shows a contact id or link
  // together with an invitation to get in touch (the built-in model has seen little chat).
  const rules = ruleScore(signals);
  const score = model ? Math.max(spamScore(model, read), rules >= 0.9 ? rules : 0) : rules;
  const threshold = model ? model.threshold : 0.5;
  const verdict = score >= threshold ? 'spam' : 'ham';
  const reasons: string[] = [...signals];
  if (model && verdict === 'spam' && score > rules) reasons.push('classifier');
  return { verdict, score: Math.round(score * 1e4) / 1e4, reasons };
}
