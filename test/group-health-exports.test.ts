import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { metricsReport } from '../src/analytics/metrics-report.js';
import { dayIn, daysEnding } from '../src/core/calendar.js';
import { importHistory } from '../src/importers/history-import.js';
import { backends } from './helpers/backends.js';
import { importFixture } from './helpers/import-fixture.js';

const SHARED = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const files = (dir: string, pattern: RegExp) =>
  existsSync(join(SHARED, dir))
    ? readdirSync(join(SHARED, dir))
        .filter((n) => pattern.test(n))
        .map((n) => join(SHARED, dir, n))
    : [];

/** An export's files its reference marks whole (a deliberately truncated one is another suite's business). */
const whole = (dir: string, paths: string[]) => {
  const ref = join(SHARED, dir, 'reference_figures.json');
  if (!existsSync(ref)) return paths;
  const bad = new Set((JSON.parse(readFileSync(ref, 'utf8')) as { file: string; valid_json?: boolean; truncated?: boolean }[]).filter((r) => r.truncated || r.valid_json === false).map((r) => r.file));
  return paths.filter((p) => !bad.has(p.slice(p.lastIndexOf('/') + 1)));
};

/** The real exports, each with its format and files; one that is absent is skipped, saying so. */
const EXPORTS = [
  { name: 'tg-html-quoxent-community', format: 'telegram-html', paths: files('tg-html-quoxent-community', /^messages\d*\.html$/) },
  { name: 'tg-json-cuda-study-group-fa', format: 'telegram-json', paths: files('tg-json-cuda-study-group-fa', /^result\.json$/) },
  { name: 'discord-csv-komodo', format: 'discord-csv', paths: existsSync(join(SHARED, 'discord-csv-komodo/talk-general/1.csv')) ? [join(SHARED, 'discord-csv-komodo/talk-general')] : [] },
  { name: 'discord-json-cre8r-dao', format: 'discord-json', paths: whole('discord-json-cre8r-dao', files('discord-json-cre8r-dao', /^channel_.*\.json$/)) },
  {
    name: 'discord-json-vesuvius-challenge',
    format: 'discord-json',
    paths: whole(
      'discord-json-vesuvius-challenge',
      files('discord-json-vesuvius-challenge', /\.json$/).filter((p) => !p.endsWith('reference_figures.json')),
    ),
  },
] as const;

for (const e of EXPORTS) if (e.paths.length === 0) console.log(`[hearth tests] skipping the group-health test on ${e.name}: ${join(SHARED, e.name)} is absent`);

const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe.each(backends)('group health on the real exports ($name)', (backend) => {
  const f = importFixture(backend);

  for (const e of EXPORTS) {
    it.skipIf(e.paths.length === 0)(
      `${e.name}: as of its last day the figures match its messages; two months later it is dormant with 0 active days and lower health`,
      async () => {
        await importHistory(f.runtime, e.format, [...e.paths], { workspaceId: f.workspaceId });
        const all = await metricsReport(f.runtime.store.db, { workspaceId: f.workspaceId });
        expect(all.length).toBeGreaterThan(0);
        for (const g of all.filter((x) => x.lastMessageAt !== null)) {
          const lastDay = dayIn(g.timezone, Date.parse(g.lastMessageAt!));
          const [atLast] = await metricsReport(f.runtime.store.db, { workspaceId: f.workspaceId, groupIds: [g.id], to: lastDay });
          const [later] = await metricsReport(f.runtime.store.db, { workspaceId: f.workspaceId, groupIds: [g.id], to: plusDays(lastDay, 61) });
          // weekly active days counted straight from the event log's message days
          const rows = await f.runtime.store.db.selectFrom('event').select('occurred_at').where('group_id', '=', g.id).where('kind', 'in', ['message', 'command']).execute();
          const week = new Set(daysEnding(lastDay, 7));
          const perDay = new Map<string, number>();
          for (const r of rows) {
            const day = dayIn(g.timezone, Number(r.occurred_at));
            if (week.has(day)) perDay.set(day, (perDay.get(day) ?? 0) + 1);
          }
          const weekMessages = [...perDay.values()].reduce((s, n) => s + n, 0);
          expect(atLast!.weeklyActiveDays, g.name).toBe(perDay.size);
          expect(atLast!.messagesOnActiveDays, g.name).toBeCloseTo(weekMessages / perDay.size, 2);
          expect(atLast!.lifecycleStage, g.name).not.toBe('dormant');
          expect(atLast!.healthScore, g.name).toBeGreaterThan(0);
          // first message of each member falls in the whole history: every sender is a new speaker once
          expect(g.newSpeakers, g.name).toBe(g.senders);
          expect(g.answeredQuestions).toBeLessThanOrEqual(g.questions);
          expect(later).toMatchObject({ weeklyActiveDays: 0, messagesOnActiveDays: 0, lifecycleStage: 'dormant' });
          expect(later!.healthScore, g.name).toBeLessThan(atLast!.healthScore);
        }
      },
      600_000,
    );
  }
});
