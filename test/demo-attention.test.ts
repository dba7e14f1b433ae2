import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listOutbox } from '../src/outbox/outbox-store.js';
import { DemoWorkspace } from '../src/runtime/demo-workspace.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';

const NOW = Date.parse('2026-07-10T12:00:00Z');

describe('the demo workspace shows what needs an operator', { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('has an answer the platform refused, parked on the Outbox page with its reason and group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-demo-attention-'));
    const runtime = await HearthRuntime.open({ kind: 'sqlite', file: join(dir, 'hearth.db') }, { clock: () => NOW });
    cleanups.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => runtime.close(),
    );
    const demo = await DemoWorkspace.create(runtime, { now: NOW, historyDays: 2 });
    const { entries: parked } = await listOutbox(runtime.store.db, { workspaceId: demo.workspaceId, groupIds: null, status: 'parked', limit: 10 });
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ parkedReason: 'refused', platform: 'sandbox', type: 'send_message', rule: 'keyword-reply' });
    expect(parked[0]!.lastError).toContain('not enough rights');
    expect(parked[0]!.groupName.length).toBeGreaterThan(0);
    expect(parked[0]!.preview).toContain('Group rules');
  });
});
