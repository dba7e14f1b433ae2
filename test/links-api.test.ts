import { afterEach, describe, expect, it } from 'vitest';
import { signConversionBody } from '../src/conversion/links/hook-signature.js';
import { sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const DAY = 86_400_000;
const MINUTE = 60_000;

describe.each(backends)('tracked links and signed conversions through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('a member clicks a tracked link, a signed webhook records the purchase, and the report attributes it to member, group, channel and campaign; bad, stale and replayed webhooks store nothing', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const ann = (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.acme.id).where('display_name', '=', 'ann').executeTakeFirstOrThrow()).id;
    const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: string }).error];

    // Targets that are not http(s) are refused and store nothing: /l/ can only ever lead to a web page.
    for (const targetUrl of ['javascript:alert(1)', 'ftp://files.example/x', '//evil.example/', 'https://user:pw@shop.example/']) {
      expect((await owner.post('/api/links', { campaign: 'Spring tea', targetUrl })).status, targetUrl).toBe(400);
    }
    expect(await w.db.selectFrom('tracked_link').selectAll().execute()).toEqual([]);

    const made = await owner.post('/api/links', { campaign: 'Spring tea', channel: 'poster', targetUrl: 'https://shop.example/tea?utm=hearth', groupId: w.tea.id });
    expect(made.status).toBe(201);
    const link = (await made.json()) as { id: number; code: string };
    const child = await owner.post(`/api/links/${link.id}/children`, { memberId: ann, groupId: w.tea.id });
    const annLink = (await child.json()) as { code: string; member: { name: string }; campaign: string };
    expect(annLink).toMatchObject({ campaign: 'Spring tea', member: { name: 'ann' } });
    // Asked again, the same code.
    expect(((await (await owner.post(`/api/links/${link.id}/children`, { memberId: ann, groupId: w.tea.id })).json()) as { code: string }).code).toBe(annLink.code);

    // Ann clicks; whatever the request carries, the redirect goes to the link's own target.
    w.clock.t = T0 + MINUTE;
    const click = await w.app.request(`/l/${annLink.code}?url=https://evil.example/&next=//evil.example`);
    expect([click.status, click.headers.get('location')]).toEqual([302, 'https://shop.example/tea?utm=hearth']);
    for (const path of ['/l/NOSUCHCODE', '/l/https%3A%2F%2Fevil.example', '/l/%2F%2Fevil.example']) {
      const unknown = await w.app.request(path, { headers: { 'accept-language': 'zh-CN' } });
      expect([unknown.status, unknown.headers.get('location')], path).toEqual([404, null]);
      expect(await unknown.text()).toContain('找不到这个链接');
    }
    expect(await w.db.selectFrom('link_click').select(['member_id', 'group_id', 'clicked_at']).execute()).toEqual([{ member_id: ann, group_id: w.tea.id, clicked_at: T0 + MINUTE }]);

    // Without a secret, nothing is accepted; an owner makes one (shown once).
    const body = JSON.stringify({ id: 'order-1001', amountMinor: 1999, currency: 'CNY', member: { platform: 'sandbox', externalId: 'ann' } });
    const hook = (raw: string, signature: string) =>
      w.app.request('/hooks/conversions/acme', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'X-Hearth-Signature': signature } });
    expect((await hook(body, signConversionBody('no secret yet', body, w.clock.t))).status).toBe(401);
    const rotated = await owner.post('/api/conversions/secret', {});
    expect(rotated.status).toBe(201);
    const { secret } = (await rotated.json()) as { secret: string };
    expect((await owner.json('/api/conversions/settings')).hasSecret).toBe(true);

    w.clock.t = T0 + 2 * DAY;
    const count = async () => (await w.db.selectFrom('conversion').select('id').execute()).length;
    // A bad signature, a stale timestamp, a missing header and a float amount are refused, storing nothing.
    expect(await errorOf(await hook(body, signConversionBody(`${secret}x`, body, w.clock.t)))).toEqual([401, expect.stringContaining('bad signature')]);
    expect(await errorOf(await hook(body, signConversionBody(secret, body, w.clock.t - 6 * MINUTE)))).toEqual([401, expect.stringContaining('stale timestamp')]);
    expect(await errorOf(await hook(body, ''))).toEqual([400, expect.stringContaining('X-Hearth-Signature')]);
    const tampered = body.replace('1999', '9999');
    expect((await hook(tampered, signConversionBody(secret, body, w.clock.t))).status).toBe(401);
    const floaty = JSON.stringify({ id: 'order-x', amountMinor: 19.99, currency: 'CNY' });
    expect(await errorOf(await hook(floaty, signConversionBody(secret, floaty, w.clock.t)))).toEqual([400, expect.stringContaining('amountMinor')]);
    expect(await count()).toBe(0);

    const signature = signConversionBody(secret, body, w.clock.t);
    const accepted = await hook(body, signature);
    expect(accepted.status).toBe(201);
    expect(((await accepted.json()) as { conversion: unknown }).conversion).toMatchObject({
      externalId: 'order-1001',
      amountMinor: 1999,
      currency: 'CNY',
      memberId: ann,
      lastTouch: { code: annLink.code },
    });
    // The same request again, a minute later: a replay, refused.
    w.clock.t += MINUTE;
    expect(await errorOf(await hook(body, signature))).toEqual([409, expect.stringContaining('already recorded')]);
    expect(await count()).toBe(1);
    // The same signed request twice at once: one is recorded, the other refused as a replay.
    const twice = JSON.stringify({ id: 'order-1001b', amountMinor: 100, currency: 'CNY', memberId: ann });
    const both = await Promise.all([0, 1].map(() => hook(twice, signConversionBody(secret, twice, w.clock.t))));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    await w.db.deleteFrom('conversion').where('external_id', '=', 'order-1001b').execute();

    // A second campaign reaches ann later: her next purchase's first touch is spring, its last autumn.
    const autumn = (await (await owner.post('/api/links', { campaign: 'Autumn tea', channel: 'weibo', targetUrl: 'https://shop.example/autumn', memberId: ann })).json()) as { code: string };
    w.clock.t = T0 + 3 * DAY;
    expect((await w.app.request(`/l/${autumn.code}`)).headers.get('location')).toBe('https://shop.example/autumn');
    const second = JSON.stringify({ id: 'order-1002', amountMinor: 500, currency: 'CNY', memberId: ann });
    expect((await hook(second, signConversionBody(secret, second, w.clock.t))).status).toBe(201);

    const report = async (by: string) => (await owner.json(`/api/conversions/report?by=${by}`)) as { rows: { key: unknown; label: string; clicks: number; firstTouch: unknown; lastTouch: unknown }[] };
    const member = await report('member');
    expect(member.rows).toEqual([
      expect.objectContaining({
        key: ann,
        label: 'ann',
        clicks: 2,
        firstTouch: { conversions: 2, revenue: [{ currency: 'CNY', amountMinor: 2499 }] },
        lastTouch: { conversions: 2, revenue: [{ currency: 'CNY', amountMinor: 2499 }] },
      }),
    ]);
    const campaign = await report('campaign');
    expect(campaign.rows.map((r) => [r.label, r.clicks, r.firstTouch, r.lastTouch])).toEqual([
      ['Autumn tea', 1, { conversions: 0, revenue: [] }, { conversions: 1, revenue: [{ currency: 'CNY', amountMinor: 500 }] }],
      ['Spring tea', 1, { conversions: 2, revenue: [{ currency: 'CNY', amountMinor: 2499 }] }, { conversions: 1, revenue: [{ currency: 'CNY', amountMinor: 1999 }] }],
    ]);
    expect((await report('channel')).rows.map((r) => [r.key, (r.lastTouch as { conversions: number }).conversions])).toEqual([
      ['poster', 1],
      ['weibo', 1],
    ]);
    expect((await report('group')).rows.map((r) => [r.label, (r.firstTouch as { conversions: number }).conversions])).toEqual([
      ['Tea Lovers', 2],
      [null, 0],
    ]);
    expect((await owner.get('/api/conversions/report?by=color')).status).toBe(400);
    const recent = (await owner.json('/api/conversions')).conversions as { externalId: string; member: { name: string }; firstTouch: { campaign: string }; lastTouch: { campaign: string } }[];
    expect(recent.map((c) => [c.externalId, c.member.name, c.firstTouch.campaign, c.lastTouch.campaign])).toEqual([
      ['order-1002', 'ann', 'Spring tea', 'Autumn tea'],
      ['order-1001', 'ann', 'Spring tea', 'Spring tea'],
    ]);

    // A CSV with a bad third line stores nothing and names the line.
    const csv = `id,amountMinor,currency,memberId\norder-2001,1200,CNY,${ann}\norder-2002,12.5,CNY,${ann}\n`;
    expect(await errorOf(await owner.post('/api/conversions/import', { csv }))).toEqual([400, expect.stringMatching(/^line 3: amountMinor/)]);
    expect(await count()).toBe(2);
    const good = await owner.post('/api/conversions/import', { csv: csv.replace('12.5', '1250') });
    expect([good.status, await good.json()]).toEqual([201, { imported: 2, attributed: 2 }]);

    // Zeta cannot see acme's links, nor post conversions to acme with its own secret.
    expect((await w.zetaClient.json('/api/links')).links).toEqual([]);
    const zetaSecret = ((await (await w.zetaClient.post('/api/conversions/secret', {})).json()) as { secret: string }).secret;
    const fromZeta = JSON.stringify({ id: 'zeta-1', amountMinor: 1, currency: 'CNY' });
    expect((await hook(fromZeta, signConversionBody(zetaSecret, fromZeta, w.clock.t))).status).toBe(401);
    expect(await count()).toBe(4);

    // Linked as one person with another member, ann's clicks and purchases follow.
    const cy = (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.acme.id).where('display_name', '=', 'cy').executeTakeFirstOrThrow()).id;
    expect((await owner.post('/api/members/links', { keep: cy, merge: ann })).status).toBe(200);
    expect((await report('member')).rows.map((r) => [r.key, r.clicks, (r.lastTouch as { conversions: number }).conversions])).toEqual([[cy, 2, 4]]);
  });
});
