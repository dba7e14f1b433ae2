import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { activationSettings } from '../src/activation/activation-settings.js';
import { listAlerts } from '../src/alerts/alert-store.js';
import { DemoWorkspace } from '../src/runtime/demo-workspace.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';

const NOW = Date.parse('2026-07-10T12:00:00Z');

describe('the demo workspace shows the silence watchdog at work', { timeout: 300_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('has silence alerts from stretches the simulated groups really had, topic banks, and no bot message posted into the past', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-demo-activation-'));
    const runtime = await HearthRuntime.open({ kind: 'sqlite', file: join(dir, 'hearth.db') }, { clock: () => NOW });
    cleanups.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => runtime.close(),
    );
    const demo = await DemoWorkspace.create(runtime, { now: NOW, historyDays: 20 });
    const { db } = runtime.store;
    const alerts = await listAlerts(db, { workspaceId: demo.workspaceId, kind: 'silence' });
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      const since = Date.parse(a.detail.silentSince as string);
      // The stretch began at a real member message, and nobody spoke until the alert.
      const spoken = await db
        .selectFrom('event')
        .select(['occurred_at'])
        .where('group_id', '=', a.groupId!)
        .where('kind', '=', 'message')
        .where('occurred_at', '>=', since)
        .where('occurred_at', '<=', Date.parse(a.at))
        .execute();
      expect(spoken.map((e) => Number(e.occurred_at))).toEqual([since]);
      expect(a.detail.silentMinutes).toBeGreaterThanOrEqual(660);
      expect(Date.parse(a.at)).toBeLessThanOrEqual(NOW);
    }
    const watched = await activationSettings(db, alerts[0]!.groupId!);
    expect(watched).toMatchObject({ postTopic: true, silenceHours: 12 });
    expect(watched.topics.length).toBeGreaterThan(0);
    const topics = await db.selectFrom('outbox').select('id').where('action', 'like', '%silence-watchdog%').execute();
    expect(topics).toEqual([]);
  });
});
