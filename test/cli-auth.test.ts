import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService, realTimeClock } from '../src/runtime/sandbox-service.js';
import { createApp } from '../src/server/app.js';
import { ApiClient, signIn } from './helpers/auth-fixture.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hearth-cli-auth-'));
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

describe('hearth workspace / user / token (CLI)', { timeout: 120_000 }, () => {
  const groupIds: number[] = [];

  it('adds a workspace, and refuses a bad or taken slug', async () => {
    const made = await hearth(['workspace', 'add', 'north', '--name', 'North Team']);
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ slug: 'north', name: 'North Team' });
    expect((await hearth(['workspace', 'add', 'north'])).stderr).toMatch(/already exists/);
    expect((await hearth(['workspace', 'add', 'Bad Slug!'])).code).toBe(1);
    for (const name of ['Tea', 'Books', 'Games']) {
      const out = await hearth(['sandbox', '--workspace', 'north', 'group', 'add', name]);
      groupIds.push(Number(out.stdout.trim()));
    }
  });

  it('adds operators with a password from stdin, refusing weak ones; assigns groups', async () => {
    const weak = await hearth(['user', 'add', '--email', 'lead@north.test', '--password-stdin', '--workspace', 'north', '--role', 'owner'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/at least 10 characters/);
    const owner = await hearth(['user', 'add', '--email', 'Lead@North.test', '--password-stdin', '--workspace', 'north', '--role', 'owner'], 'a fine long passphrase\n');
    expect(owner.code).toBe(0);
    expect(JSON.parse(owner.stdout)).toMatchObject({ email: 'lead@north.test', workspace: 'north', role: 'owner', groups: 'all', created: true });
    const two = await hearth(
      ['user', 'add', '--email', 'two@north.test', '--password-stdin', '--workspace', 'north', '--role', 'operator', '--groups', `${groupIds[0]},${groupIds[2]}`],
      'another long passphrase',
    );
    expect(JSON.parse(two.stdout)).toMatchObject({ role: 'operator', groups: [groupIds[0], groupIds[2]] });
    expect((await hearth(['user', 'add', '--email', 'x@north.test', '--password-stdin', '--workspace', 'north', '--role', 'king'], 'a fine long passphrase')).stderr).toMatch(/--role is one of/);
    expect((await hearth(['user', 'add', '--email', 'y@north.test', '--password-stdin', '--workspace', 'north', '--role', 'owner', '--groups', '1'], 'a fine long passphrase')).stderr).toMatch(
      /sees every group/,
    );
    expect((await hearth(['user', 'add', '--email', 'lead@north.test', '--password-stdin', '--workspace', 'north', '--role', 'admin'], 'a fine long passphrase')).stderr).toMatch(/already exists/);
  });

  it('creates a token, printed once, that works as a bearer token; and the signed-in operators see what the CLI set up', async () => {
    const refused = await hearth(['token', 'create', '--workspace', 'north', '--email', 'two@north.test', '--scopes', 'read,configure']);
    expect(refused.stderr).toMatch(/cannot give a token configure/);
    const made = await hearth(['token', 'create', '--workspace', 'north', '--email', 'lead@north.test', '--scopes', 'read,act', '--name', 'ci']);
    expect(made.code).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^hth_[A-Za-z0-9_-]{43}$/);
    expect(made.stderr).toMatch(/shown once/);

    const runtime = await HearthRuntime.open(loadConfig(env).database);
    try {
      const app = createApp({ runtime, clock: Date.now, sandbox: (ws) => new SandboxService(runtime, ws, realTimeClock), logError: () => {} });
      const script = new ApiClient(app, { bearer: token });
      expect((await script.json('/api/groups')).groups).toHaveLength(3);
      const two = await signIn(app, 'two@north.test', 'another long passphrase');
      expect((await two.json('/api/groups')).groups.map((g: { id: number }) => g.id)).toEqual([groupIds[0], groupIds[2]]);
      const lead = await signIn(app, 'lead@north.test', 'a fine long passphrase');
      const actions = ((await lead.json('/api/audit?limit=200')).entries as { action: string; actor: { kind: string; label: string } }[]).map((e) => `${e.actor.kind}:${e.action}`);
      expect(actions.reverse()).toEqual(['system:workspace.created', 'system:operator.created', 'system:operator.created', 'system:token.created', 'operator:auth.login', 'operator:auth.login']);
    } finally {
      await runtime.close();
    }
  });
});
