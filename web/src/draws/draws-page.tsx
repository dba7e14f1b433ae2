import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { fetchGroups } from '../api-client.js';
import type { Workspace } from '../api-client.js';
import { EChart } from '../charts/echart.js';
import type { ChartOption } from '../charts/echarts-setup.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';
import { cancelDraw, createDraw, fetchDraws } from './draws-api.js';
import type { DrawView, EnvelopeView, NewDrawBody } from './draws-api.js';

const REFRESH_MS = 30_000;
const CHART_ENVELOPES = 20;
const ROLES = ['owner', 'administrator', 'official', 'extra', 'expert', 'opinion_leader', 'initiator', 'seed', 'member'];

/** Points as a number; a cash envelope's minor units as "¥12.34" / "USD 12.34". */
function amount(value: number, currency: string | null, points: string): string {
  if (currency === null) return `${value} ${points}`;
  const major = `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
  return currency === 'CNY' ? `¥${major}` : `${currency} ${major}`;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

/** Each envelope's claim speed: seconds until emptied and the median claim's wait (bars), claimants (line). */
function SpeedChart({ draws }: { draws: DrawView[] }) {
  const { t } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const envelopes = draws
      .flatMap((d) => d.envelopes.filter((e) => e.openedAt !== null).map((e) => ({ d, e })))
      .sort((a, b) => (a.e.openedAt! < b.e.openedAt! ? -1 : 1))
      .slice(-CHART_ENVELOPES);
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: [t('draws.chart.emptied'), t('draws.chart.median'), t('draws.chart.claimants')], bottom: 0 },
      grid: { left: 8, right: 8, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: envelopes.map(({ d, e }) => (d.rounds > 1 ? `#${d.id}·${e.round}` : `#${d.id}`)) },
      yAxis: [
        { type: 'value', name: t('draws.chart.seconds'), minInterval: 1 },
        { type: 'value', name: t('draws.chart.claimants'), minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        { id: 'emptied', name: t('draws.chart.emptied'), type: 'bar', data: envelopes.map(({ e }) => seconds(e.figures.emptiedInMs)), itemStyle: { color: '#ef4444' }, barMaxWidth: 18 },
        { id: 'median', name: t('draws.chart.median'), type: 'bar', data: envelopes.map(({ e }) => seconds(e.figures.medianClaimMs)), itemStyle: { color: '#f59e0b' }, barMaxWidth: 18 },
        { id: 'claimants', name: t('draws.chart.claimants'), type: 'line', yAxisIndex: 1, data: envelopes.map(({ e }) => e.figures.claimants), itemStyle: { color: '#2563eb' } },
      ],
    };
  }, [draws, t]);
  return <EChart option={option} className="draws__chart" ariaLabel={t('draws.chart.aria')} testId="draws-speed-chart" />;
}

/** One envelope's claims: who, how much, how long after it opened. */
function Envelope({ draw, envelope }: { draw: DrawView; envelope: EnvelopeView }) {
  const { t } = useI18n();
  const f = envelope.figures;
  const points = t('draws.points');
  return (
    <div className="draws__envelope" data-testid="draws-envelope">
      <strong>{t('draws.round', { round: envelope.round, rounds: draw.rounds })}</strong> · {t(`draws.state.${envelope.state}` as MessageKey)} ·{' '}
      {t('draws.claimedOf', { n: f.claimants, shares: envelope.shares })}
      {f.emptiedInMs !== null && <> · {t('draws.emptiedIn', { s: String(seconds(f.emptiedInMs)) })}</>}
      {envelope.refunded ? <> · {t('draws.refundedAmount', { amount: amount(envelope.refunded, draw.currency, points) })}</> : null}
      <ul className="draws__claims">
        {envelope.claims.map((c) => (
          <li key={c.memberId}>
            <span>
              {f.luckiest?.memberId === c.memberId ? '👑 ' : ''}
              {c.name}
            </span>
            <span>
              {amount(c.amount, draw.currency, points)} · {t('draws.after', { s: String(seconds(c.afterMs)) })}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Start a draw in a group: points or a cash label, shares, minimum, rounds, expiry, exclusive to a role. */
function CreateForm({ workspace, onCreated }: { workspace: Workspace; onCreated(): void }) {
  const { t } = useI18n();
  const groups = useResource((signal) => fetchGroups(workspace.slug, signal), [workspace.slug]);
  const [form, setForm] = useState({ groupId: '', title: '', total: '100', shares: '5', minimum: '1', cash: '', rounds: '1', every: '0', expires: '1440', role: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const list = groups.data?.groups ?? [];
  const groupId = form.groupId || String(list[0]?.id ?? '');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const whole: (keyof typeof form)[] = ['total', 'shares', 'minimum', 'rounds', 'every', 'expires'];
    const bad = whole.find((k) => !/^\d+$/.test(form[k].trim()));
    if (bad) {
      setError(t('draws.form.notNumber', { field: t(`draws.form.${bad}` as MessageKey) }));
      return;
    }
    if (!groupId) {
      setError(t('draws.form.noGroup'));
      return;
    }
    const body: NewDrawBody = {
      groupId: Number(groupId),
      total: Number(form.total),
      shares: Number(form.shares),
      minimum: Number(form.minimum),
      currency: form.cash.trim() ? form.cash.trim().toUpperCase() : null,
      rounds: Number(form.rounds),
      roundIntervalMinutes: Number(form.every),
      expiresInMinutes: Number(form.expires),
      ...(form.title.trim() ? { title: form.title.trim() } : {}),
      ...(form.role ? { exclusive: { role: form.role } } : {}),
    };
    setBusy(true);
    try {
      await createDraw(body);
      onCreated();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" data-testid="draws-create">
      <div className="card__head">
        <h2 className="card__title">{t('draws.form.title')}</h2>
      </div>
      <form className="draws__form" onSubmit={submit}>
        <label className="field">
          <span className="field__label">{t('draws.form.group')}</span>
          <select className="input" value={groupId} onChange={set('groupId')} data-testid="draws-group">
            {list.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('draws.form.name')}</span>
          <input className="input" value={form.title} onChange={set('title')} maxLength={100} placeholder={t('draws.form.namePlaceholder')} />
        </label>
        <label className="field">
          <span className="field__label">{t('draws.form.total')}</span>
          <input className="input" inputMode="numeric" value={form.total} onChange={set('total')} data-testid="draws-total" />
        </label>
        <label className="field">
          <span className="field__label">{t('draws.form.shares')}</span>
          <input className="input" inputMode="numeric" value={form.shares} onChange={set('shares')} data-testid="draws-shares" />
        </label>
        <label className="field">
          <span className="field__label">{t('draws.form.minimum')}</span>
          <input className="input" inputMode="numeric" value={form.minimum} onChange={set('minimum')} />
        </label>
        <label className="field">
          <span className="field__label">{t('draws.form.cash')}</span>
          <input className="input" value={form.cash} onChange={set('cash')} maxLength={3} placeholder="CNY" />
        </label>
        <label className="field">
          <span className="field__label">{t('draws.form.rounds')}</span>
          <input className="input" inputMode="numeric" value={form.rounds} onChange={set('rounds')} />
        </label>
        <label className="field">
          <span className="field__label">{t('draws.form.every')}</span>
          <input className="input" inputMode="numeric" value={form.every} onChange={set('every')} />
        </label>
        <label className="field">
          <span className="field__label">{t('draws.form.expires')}</span>
          <input className="input" inputMode="numeric" value={form.expires} onChange={set('expires')} />
        </label>
        <label className="field">
          <span className="field__label">{t('draws.form.role')}</span>
          <select className="input" value={form.role} onChange={set('role')}>
            <option value="">{t('draws.form.anyone')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="draws-submit">
          {t('draws.form.submit')}
        </button>
      </form>
      <p className="muted">{t('draws.form.hint')}</p>
      {error && (
        <div className="state state--error" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}

/** Lucky draws (红包): the history with each envelope's claims, the claim-speed chart, and a form to start one. */
export function DrawsPage({ workspace, canAct }: { workspace: Workspace; canAct: boolean }) {
  const { t, fmt } = useI18n();
  useDocumentTitle(t('draws.title'));
  const shown = useResource((signal) => fetchDraws(workspace.slug, signal), [workspace.slug], { pollMs: REFRESH_MS });
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const draws = shown.data?.draws;
  const points = t('draws.points');

  const cancel = async (id: number) => {
    setError(null);
    try {
      await cancelDraw(id);
      shown.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('draws.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('draws.intro')}
          </p>
        </div>
      </header>
      {!draws && shown.loading && <LoadingState what={t('what.draws')} />}
      {!draws && shown.error && <ErrorState what={t('what.draws')} error={shown.error} onRetry={shown.reload} />}
      {draws && (
        <>
          {shown.error && <RefreshErrorBanner error={shown.error} />}
          {error && (
            <div className="state state--error" role="alert">
              {error}
            </div>
          )}
          <div className="draws__grid">
            <section className="card" data-testid="draws-history">
              <div className="card__head">
                <h2 className="card__title">{t('draws.history')}</h2>
              </div>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('draws.col.draw')}</th>
                      <th scope="col">{t('draws.col.amount')}</th>
                      <th scope="col">{t('draws.col.claimants')}</th>
                      <th scope="col">{t('draws.col.speed')}</th>
                      <th scope="col">{t('draws.col.state')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {draws.map((d) => {
                      const speeds = d.envelopes.map((e) => e.figures.emptiedInMs).filter((v): v is number => v !== null);
                      return (
                        <tr key={d.id} data-testid="draws-row">
                          <td>
                            <button type="button" className="draws__title" onClick={() => setOpen(open === d.id ? null : d.id)} aria-expanded={open === d.id}>
                              #{d.id} {d.title}
                            </button>
                            <div className="muted">
                              {d.groupName} · {fmt.dateTime(d.createdAt)}
                            </div>
                            {open === d.id && (
                              <div data-testid="draws-claims">
                                {d.envelopes.map((e) => (
                                  <Envelope key={e.id} draw={d} envelope={e} />
                                ))}
                                {canAct && (d.state === 'open' || d.state === 'scheduled') && (
                                  <button type="button" className="btn" onClick={() => cancel(d.id)}>
                                    {t('draws.cancel')}
                                  </button>
                                )}
                              </div>
                            )}
                          </td>
                          <td>
                            {amount(d.total, d.currency, points)} × {d.rounds}
                            <div className="muted">{t('draws.sharesOf', { shares: d.shares, min: amount(d.minimum, d.currency, points) })}</div>
                          </td>
                          <td>
                            {fmt.number(d.claimants)}
                            <div className="muted">{amount(d.claimed, d.currency, points)}</div>
                          </td>
                          <td>{speeds.length > 0 ? t('draws.emptiedIn', { s: String(seconds(Math.min(...speeds))) }) : '—'}</td>
                          <td>
                            {t(`draws.drawState.${d.state}` as MessageKey)}
                            {d.refunded > 0 && <div className="muted">{t('draws.refundedAmount', { amount: amount(d.refunded, d.currency, points) })}</div>}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                {draws.length === 0 && <div className="table-empty">{t('draws.empty')}</div>}
              </div>
            </section>
            <section className="card">
              <div className="card__head">
                <h2 className="card__title">{t('draws.speed')}</h2>
              </div>
              {draws.some((d) => d.envelopes.some((e) => e.openedAt !== null)) ? <SpeedChart draws={draws} /> : <div className="table-empty">{t('draws.noSpeed')}</div>}
              <p className="muted">{t('draws.speedHint')}</p>
            </section>
          </div>
          {canAct && <CreateForm workspace={workspace} onCreated={shown.reload} />}
        </>
      )}
    </div>
  );
}
