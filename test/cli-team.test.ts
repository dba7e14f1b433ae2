import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService, realTimeClock } from '../src/runtime/sandbox-service.js';
import { createApp } from '../src/server/app.js';
import { ApiClient, sessionCookieOf } from './helpers/auth-fixture.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hearth-cli-team-'));
const env = { ...process.env, HEARTH_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };

/** Runs `hearth …` with optional standard input; resolves to its exit code and output. */
function hearth(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd() }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('hearth user invite / role / disable / enable / list (CLI)', { timeout: 180_000 }, () => {
  it('invites with a one-time link, changes a role, disables and enables, keeps an owner, and lists the team', async () => {
    expect((await hearth(['workspace', 'add', 'south', '--name', 'South Team'])).code).toBe(0);
    expect((await hearth(['user', 'add', '--email', 'boss@south.test', '--password-stdin', '--workspace', 'south', '--role', 'owner'], 'a fine long passphrase')).code).toBe(0);

    const invited = await hearth(['user', 'invite', '--email', 'helper@south.test', '--workspace', 'south', '--role', 'operator', '--base-url', 'https://hearth.example']);
    expect(invited.code, invited.stderr).toBe(0);
    const link = invited.stdout.trim().split(/\s+/).pop()!;
    expect(link).toMatch(/^https:\/\/hearth\.example\/invite\/hti_[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(invited.stdout.split('\n')[0]!)).toMatchObject({ email: 'helper@south.test', role: 'operator', groups: 'all' });

    // The link, taken up through the API the link page calls, makes the account and signs it in.
    const runtime = await HearthRuntime.open(loadConfig(env).database);
    let helper: ApiClient;
    try {
      const app = createApp({ runtime, clock: Date.now, sandbox: (ws) => new SandboxService(runtime, ws, realTimeClock), logError: () => {} });
      const token = new URL(link).pathname.split('/').pop()!;
      const res = await app.request(`/api/invitations/${token}/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'helper passphrase' }) });
      expect(res.status).toBe(201);
      helper = new ApiClient(app, { cookie: sessionCookieOf(res)!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken });
      expect((await helper.get('/api/groups')).status).toBe(200);

      const role = await hearth(['user', 'role', '--email', 'helper@south.test', '--workspace', 'south', '--role', 'analyst']);
      expect(JSON.parse(role.stdout)).toMatchObject({ email: 'helper@south.test', role: 'analyst', groups: 'all', disabled: false });
      // The only owner stays an owner.
      expect((await hearth(['user', 'role', '--email', 'boss@south.test', '--workspace', 'south', '--role', 'admin'])).stderr).toMatch(/no owner/);

      const disabled = await hearth(['user', 'disable', '--email', 'helper@south.test']);
      expect(JSON.parse(disabled.stdout)).toMatchObject({ email: 'helper@south.test', disabled: true, sessionsEnded: 1 });
      expect((await helper.get('/api/groups')).status).toBe(401);
      expect(JSON.parse((await hearth(['user', 'enable', '--email', 'helper@south.test'])).stdout)).toMatchObject({ disabled: false });

      const team = (await hearth(['user', 'list', '--workspace', 'south'])).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { email: string; role: string; disabled: boolean });
      expect(team.map((m) => `${m.email}:${m.role}:${m.disabled}`)).toEqual(['boss@south.test:owner:false', 'helper@south.test:analyst:false']);
      const actions = (await runtime.store.db.selectFrom('audit_log').select('action').where('action', 'like', 'team.%').orderBy('id').execute()).map((r) => r.action);
      expect(actions).toEqual(['team.invited', 'team.invitation_accepted', 'team.role_changed', 'team.disabled', 'team.enabled']);
    } finally {
      await runtime.close();
    }
  });
});
