/**
 * The spam learner on each labelled set in ../shared/data (absent sets are skipped,
 * and said so): trained on one part, measured on the rest — precision, recall, F1,
 * accuracy — and the time to judge one message, against the rules-only judge as the
 * baseline measured in the same run. Run: npx tsx bench/antispam-bench.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeMessage } from '../src/antispam/spam-judge.js';
import { type LabelledText, trainSpamModel } from '../src/antispam/spam-model.js';
import { readTrainingFile } from '../src/antispam/training-file.js';

const DATA = join(import.meta.dirname, '../../shared/data');
const everyFifth = (all: LabelledText[]) => ({ train: all.filter((_, i) => i % 5 !== 4), test: all.filter((_, i) => i % 5 === 4) });
const lines = (file: string) =>
  readFileSync(join(DATA, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim());

const sets: { name: string; path: string; split: string; load: () => Promise<{ train: LabelledText[]; test: LabelledText[] }> }[] = [
  {
    name: 'zh in-game chat (nlp-ad-in-game)',
    path: 'spam-zh-gamechat-nlp-ad-in-game/messages.csv',
    split: 'its own: train.txt (70,000) / validation.txt (13,064 non-empty)',
    load: async () => {
      const all = await readTrainingFile(join(DATA, 'spam-zh-gamechat-nlp-ad-in-game/messages.csv'), 'csv');
      return { train: all.slice(0, 70_000), test: all.slice(70_000) };
    },
  },
  {
    name: 'zh QQ-group chat (ADDetector4J)',
    path: 'spam-zh-qqgroup-addetector4j/messages.csv',
    split: 'every 5th message held out',
    load: async () => everyFifth(await readTrainingFile(join(DATA, 'spam-zh-qqgroup-addetector4j/messages.csv'), 'csv')),
  },
  {
    name: 'zh SMS (80w sample)',
    path: 'spam-zh-sms-80w-zpdesu/messages.csv',
    split: 'every 5th message held out',
    load: async () => everyFifth(await readTrainingFile(join(DATA, 'spam-zh-sms-80w-zpdesu/messages.csv'), 'csv')),
  },
  {
    name: 'en SMS (UCI SMS Spam Collection)',
    path: 'spam-sms-spam-collection-uci/SMSSpamCollection',
    split: 'every 5th message held out',
    load: async () =>
      everyFifth(
        lines('spam-sms-spam-collection-uci/SMSSpamCollection')
          .slice(1)
          .map((l) => ({ label: l.startsWith('spam\t') ? ('spam' as const) : ('ham' as const), text: l.slice(l.indexOf('\t') + 1) })),
      ),
  },
  {
    name: 'ru/en Telegram (tg-spam)',
    path: 'spam-tg-spam-umputun/spam-samples.txt',
    split: 'every 5th message held out',
    load: async () =>
      everyFifth([
        ...lines('spam-tg-spam-umputun/spam-samples.txt').map((text) => ({ label: 'spam' as const, text })),
        ...lines('spam-tg-spam-umputun/app-bot-testdata-spam.txt').map((text) => ({ label: 'spam' as const, text })),
        ...lines('spam-tg-spam-umputun/ham-samples.txt').map((text) => ({ label: 'ham' as const, text })),
      ]),
  },
];

function measure(judge: (text: string) => 'spam' | 'ham', test: readonly LabelledText[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let right = 0;
  const started = performance.now();
  for (const e of test) {
    const spam = judge(e.text) === 'spam';
    if (spam && e.label === 'spam') tp++;
    if (spam && e.label === 'ham') fp++;
    if (!spam && e.label === 'spam') fn++;
    if (spam === (e.label === 'spam')) right++;
  }
  const us = ((performance.now() - started) * 1000) / test.length;
  const p = tp / (tp + fp || 1);
  const r = tp / (tp + fn || 1);
  return { precision: p, recall: r, f1: (2 * p * r) / (p + r || 1), accuracy: right / test.length, usPerMessage: us };
}

const f = (x: number) => x.toFixed(3);
console.log('| set | split | test messages | precision | recall | F1 | accuracy | µs/message | rules-only F1 | rules-only µs/message |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const set of sets) {
  if (!existsSync(join(DATA, set.path))) {
    console.log(`| ${set.name} | skipped: ${set.path} is absent | | | | | | | | |`);
    continue;
  }
  const { train, test: rawTest } = await set.load();
  const test = rawTest.filter((e) => e.text.trim());
  const model = trainSpamModel(train);
  // Warm up both judges, then measure each on the whole held-out part.
  for (const e of test.slice(0, 200)) judgeMessage(model, e.text), judgeMessage(null, e.text);
  const baseline = measure((t) => judgeMessage(null, t).verdict, test);
  const m = measure((t) => judgeMessage(model, t).verdict, test);
  console.log(
    `| ${set.name} | ${set.split} | ${test.length} | ${f(m.precision)} | ${f(m.recall)} | ${f(m.f1)} | ${f(m.accuracy)} | ${m.usPerMessage.toFixed(1)} | ${f(baseline.f1)} | ${baseline.usPerMessage.toFixed(1)} |`,
  );
}
