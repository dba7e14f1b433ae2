import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { format } from 'echarts/core';
import { fetchGroups } from '../api-client.js';
import type { Workspace } from '../api-client.js';
import { EChart } from '../charts/echart.js';
import type { ChartOption } from '../charts/echarts-setup.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { I18n, MessageKey } from '../i18n.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';
import { createLink, fetchConversionSettings, fetchConversions, fetchLinks, fetchReport, REPORT_DIMENSIONS, rotateSecret, setWindowDays } from './conversions-api.js';
import type { ConversionListItem, ConversionReport, LinkRecord, MoneySum, ReportDimension } from './conversions-api.js';

const CHANNELS = ['poster', 'moments', 'official_account', 'weibo', 'douyin', 'bilibili', 'kuaishou', 'zhihu', 'toutiao', 'peer_group', 'custom'] as const;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const esc = format.encodeHTML;

/**
 * An amount in minor units as money (1999 CNY → ¥19.99), exactly: the decimal point is
 * placed in the digits and Intl formats that decimal string, so no float is involved.
 */
export function formatMoney(locale: string, m: MoneySum): string {
  let nf: Intl.NumberFormat;
  try {
    nf = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency });
  } catch {
    return `${m.amountMinor} ${m.currency}`;
  }
  const digits = nf.resolvedOptions().maximumFractionDigits ?? 2;
  const raw = String(m.amountMinor);
  const negative = raw.startsWith('-');
  const abs = (negative ? raw.slice(1) : raw).padStart(digits + 1, '0');
  const decimal = digits > 0 ? `${abs.slice(0, -digits)}.${abs.slice(-digits)}` : abs;
  return (nf.format as (value: string) => string)(`${negative ? '-' : ''}${decimal}`);
}

function Money({ sums }: { sums: MoneySum[] }) {
  const { locale } = useI18n();
  if (sums.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {sums.map((m) => (
        <div key={m.currency}>{formatMoney(locale, m)}</div>
      ))}
    </>
  );
}

function rowLabel(t: I18n['t'], by: ReportDimension, label: string | null): string {
  if (label === null) return t('conversions.unattributed');
  return by === 'channel' ? t(`growth.channel.${label}` as MessageKey) : label;
}

/** First- and last-touch conversions per row as horizontal bars (phone-width friendly: labels on the left). */
function reportChartOption(report: ConversionReport, { t }: Pick<I18n, 't'>): ChartOption {
  const rows = report.rows.slice(0, 10).reverse();
  const labels = rows.map((r) => rowLabel(t, report.by, r.label));
  const names = { first: t('conversions.firstTouch'), last: t('conversions.lastTouch') };
  return {
    animationDuration: 400,
    color: ['#94a3b8', '#f97316'],
    textStyle: { fontFamily: 'inherit' },
    legend: { top: 0, left: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 8, textStyle: { color: '#334155', fontSize: 12 }, data: [names.first, names.last] },
    tooltip: {
      trigger: 'axis',
      confine: true,
      className: 'chart-tip',
      formatter: (params) => {
        const list = Array.isArray(params) ? params : [params];
        const i = list[0]?.dataIndex ?? 0;
        const r = rows[i];
        if (!r) return '';
        const row = (label: string, value: string) => `<div class="chart-tip__row"><span class="chart-tip__label">${esc(label)}</span><span class="chart-tip__value">${esc(value)}</span></div>`;
        return `<div class="chart-tip__day">${esc(labels[i] ?? '')}</div>${row(names.first, String(r.firstTouch.conversions))}${row(names.last, String(r.lastTouch.conversions))}${row(t('conversions.col.clicks'), String(r.clicks))}`;
      },
    },
    grid: { top: 28, left: 8, right: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#64748b', fontSize: 11 }, splitLine: { lineStyle: { color: '#e2e8f0' } } },
    yAxis: { type: 'category', data: labels, axisLabel: { color: '#334155', fontSize: 11, width: 140, overflow: 'truncate' } },
    series: [
      { id: 'first', name: names.first, type: 'bar', data: rows.map((r) => r.firstTouch.conversions), barMaxWidth: 14 },
      { id: 'last', name: names.last, type: 'bar', data: rows.map((r) => r.lastTouch.conversions), barMaxWidth: 14 },
    ],
  };
}

function Report({ workspace }: { workspace: Workspace }) {
  const { t, fmt } = useI18n();
  const [by, setBy] = useState<ReportDimension>('campaign');
  const report = useResource((signal) => fetchReport(workspace.slug, by, signal), [workspace.slug, by], { pollMs: 60_000 });
  const data = report.data;
  const option = useMemo(() => (data ? reportChartOption(data, { t }) : null), [data, t]);
  return (
    <section className="card conversions__report" data-testid="conversions-report">
      <header className="conversions__head">
        <h2 className="card__title">{t('conversions.report')}</h2>
        <label className="field conversions__by">
          <span className="field__label">{t('conversions.by')}</span>
          <select className="input" value={by} onChange={(e) => setBy(e.target.value as ReportDimension)} data-testid="conversions-by">
            {REPORT_DIMENSIONS.map((d) => (
              <option key={d} value={d}>
                {t(`conversions.by.${d}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </header>
      {!data && report.loading && <LoadingState what={t('conversions.report')} />}
      {!data && report.error && <ErrorState what={t('conversions.report')} error={report.error} onRetry={report.reload} />}
      {data && (
        <>
          {report.error && <RefreshErrorBanner error={report.error} />}
          <p className="muted" data-testid="conversions-totals">
            {t('conversions.totals', {
              clicks: fmt.number(data.totals.clicks),
              conversions: fmt.number(data.totals.conversions),
              attributed: fmt.number(data.totals.attributed),
              days: data.windowDays,
            })}{' '}
            <Money sums={data.totals.revenue} />
          </p>
          {data.rows.length === 0 ? (
            <div className="table-empty">{t('conversions.noData')}</div>
          ) : (
            <>
              {option && <EChart option={option} className="conversions__chart" ariaLabel={t('conversions.chartLabel')} testId="conversions-chart" />}
              <div className="table-wrap">
                <table className="table" data-testid="conversions-table">
                  <thead>
                    <tr>
                      <th scope="col">{t(`conversions.by.${by}` as MessageKey)}</th>
                      <th scope="col">{t('conversions.col.clicks')}</th>
                      <th scope="col">{t('conversions.firstTouch')}</th>
                      <th scope="col">{t('conversions.lastTouch')}</th>
                      <th scope="col">{t('conversions.col.rate')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.rows.map((r) => (
                      <tr key={`${r.key}`} data-testid="conversions-row" data-key={r.key ?? ''}>
                        <td>{rowLabel(t, by, r.label)}</td>
                        <td>{fmt.number(r.clicks)}</td>
                        <td>
                          <div>{t('conversions.count', { count: r.firstTouch.conversions })}</div>
                          <div className="muted">
                            <Money sums={r.firstTouch.revenue} />
                          </div>
                        </td>
                        <td>
                          <div>{t('conversions.count', { count: r.lastTouch.conversions })}</div>
                          <div className="muted">
                            <Money sums={r.lastTouch.revenue} />
                          </div>
                        </td>
                        <td>{r.conversionRate === null ? '—' : fmt.percent(r.conversionRate)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}

function CopyButton({ value }: { value: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="btn btn--secondary conversions__copy"
      onClick={() =>
        void navigator.clipboard?.writeText(value).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
      data-testid="link-copy"
    >
      {copied ? t('conversions.copied') : t('conversions.copy')}
    </button>
  );
}

function NewLink({ workspace, onCreated }: { workspace: Workspace; onCreated(): void }) {
  const { t } = useI18n();
  const groups = useResource((signal) => fetchGroups(workspace.slug, signal), [workspace.slug]);
  const [campaign, setCampaign] = useState('');
  const [channel, setChannel] = useState<string>('poster');
  const [targetUrl, setTargetUrl] = useState('');
  const [groupId, setGroupId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    createLink(workspace.slug, { campaign: campaign.trim(), channel, targetUrl: targetUrl.trim(), groupId: groupId ? Number(groupId) : null }).then(
      () => {
        setBusy(false);
        setCampaign('');
        setTargetUrl('');
        onCreated();
      },
      (err: unknown) => {
        setBusy(false);
        setError(errorText(err));
      },
    );
  };
  return (
    <form className="card conversions__form" onSubmit={submit} data-testid="link-form">
      <h2 className="card__title">{t('conversions.addLink')}</h2>
      <label className="field">
        <span className="field__label">{t('conversions.field.campaign')}</span>
        <input className="input" required maxLength={100} value={campaign} onChange={(e) => setCampaign(e.target.value)} data-testid="link-campaign" />
      </label>
      <label className="field">
        <span className="field__label">{t('conversions.field.channel')}</span>
        <select className="input" value={channel} onChange={(e) => setChannel(e.target.value)} data-testid="link-channel">
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`growth.channel.${c}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">{t('conversions.field.target')}</span>
        <input className="input" type="url" required value={targetUrl} onChange={(e) => setTargetUrl(e.target.value)} placeholder="https://shop.example.com/…" data-testid="link-target" />
      </label>
      <label className="field">
        <span className="field__label">{t('conversions.field.group')}</span>
        <select className="input" value={groupId} onChange={(e) => setGroupId(e.target.value)} data-testid="link-group">
          <option value="">{t('conversions.noGroup')}</option>
          {groups.data?.groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">{t('conversions.targetRule')}</p>
      <button type="submit" className="btn btn--primary" disabled={busy} data-testid="link-create">
        {t('conversions.create')}
      </button>
      {error && (
        <div className="state--error" role="alert" data-testid="link-error">
          {error}
        </div>
      )}
    </form>
  );
}

function Links({ links }: { links: LinkRecord[] }) {
  const { t, fmt } = useI18n();
  if (links.length === 0) return <div className="table-empty">{t('conversions.noLinks')}</div>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="links-table">
        <thead>
          <tr>
            <th scope="col">{t('conversions.col.link')}</th>
            <th scope="col">{t('conversions.field.campaign')}</th>
            <th scope="col">{t('conversions.col.who')}</th>
            <th scope="col">{t('conversions.col.clicks')}</th>
            <th scope="col">{t('conversions.lastTouch')}</th>
          </tr>
        </thead>
        <tbody>
          {links.map((l) => {
            const url = `${window.location.origin}/l/${l.code}`;
            return (
              <tr key={l.id} data-testid="link-row" data-code={l.code}>
                <td>
                  <code className="conversions__url">/l/{l.code}</code> <CopyButton value={url} />
                  <div className="muted conversions__target" title={l.targetUrl}>
                    → {l.targetUrl}
                  </div>
                </td>
                <td>
                  {l.campaign}
                  <div>
                    <span className="chip">{t(`growth.channel.${l.channel}` as MessageKey)}</span>
                  </div>
                </td>
                <td>{[l.group?.name, l.member?.name].filter(Boolean).join(' · ') || <span className="muted">—</span>}</td>
                <td data-testid="link-clicks">{fmt.number(l.clicks)}</td>
                <td>{fmt.number(l.conversions)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Recent({ conversions }: { conversions: ConversionListItem[] }) {
  const { t, fmt, locale } = useI18n();
  if (conversions.length === 0) return <div className="table-empty">{t('conversions.noConversions')}</div>;
  const touch = (x: ConversionListItem['firstTouch']) => (x ? x.campaign : <span className="muted">—</span>);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="recent-conversions">
        <thead>
          <tr>
            <th scope="col">{t('conversions.col.when')}</th>
            <th scope="col">{t('conversions.col.member')}</th>
            <th scope="col">{t('conversions.col.amount')}</th>
            <th scope="col">{t('conversions.firstTouch')}</th>
            <th scope="col">{t('conversions.lastTouch')}</th>
          </tr>
        </thead>
        <tbody>
          {conversions.map((c) => (
            <tr key={c.id} data-testid="recent-conversion">
              <td>
                <time dateTime={c.at}>{fmt.dateTime(c.at)}</time>
                <div className="muted">{c.externalId}</div>
              </td>
              <td>{c.member ? c.member.name : <span className="muted">{t('conversions.unknownBuyer')}</span>}</td>
              <td>{formatMoney(locale, c)}</td>
              <td>{touch(c.firstTouch)}</td>
              <td>{touch(c.lastTouch)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SecretPanel({ workspace, canManage, canConfigure }: { workspace: Workspace; canManage: boolean; canConfigure: boolean }) {
  const { t, fmt } = useI18n();
  const settings = useResource((signal) => fetchConversionSettings(workspace.slug, signal), [workspace.slug]);
  const [secret, setSecret] = useState<string | null>(null);
  const [days, setDays] = useState('');
  const [error, setError] = useState<string | null>(null);
  const s = settings.data;
  const hookUrl = s ? `${window.location.origin}${s.hookPath}` : '';
  const rotate = () => {
    if (s?.hasSecret && !window.confirm(t('conversions.confirmRotate'))) return;
    setError(null);
    rotateSecret(workspace.slug).then(
      (made) => {
        setSecret(made.secret);
        settings.reload();
      },
      (e: unknown) => setError(errorText(e)),
    );
  };
  const saveWindow = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setWindowDays(workspace.slug, Number(days)).then(
      () => {
        setDays('');
        settings.reload();
      },
      (err: unknown) => setError(errorText(err)),
    );
  };
  return (
    <section className="card conversions__secret" data-testid="conversion-secret">
      <h2 className="card__title">{t('conversions.webhook')}</h2>
      {!s && settings.loading && <LoadingState what={t('conversions.webhook')} />}
      {!s && settings.error && <ErrorState what={t('conversions.webhook')} error={settings.error} onRetry={settings.reload} />}
      {s && (
        <>
          <p>{t('conversions.webhookIntro')}</p>
          <code className="conversions__hook">POST {hookUrl}</code>
          <p className="muted">{t('conversions.signatureHelp')}</p>
          <p data-testid="conversion-secret-state">
            {s.hasSecret ? t('conversions.secretSet', { at: s.updatedAt ? fmt.dateTime(s.updatedAt) : '—', by: s.updatedBy ?? '—' }) : t('conversions.noSecret')}
          </p>
          {secret && (
            <div className="conversions__secret-once" role="status" data-testid="conversion-secret-value">
              <p>{t('conversions.secretOnce')}</p>
              <code className="conversions__hook">{secret}</code> <CopyButton value={secret} />
            </div>
          )}
          {canManage ? (
            <button type="button" className="btn btn--secondary" onClick={rotate} data-testid="conversion-rotate">
              {t(s.hasSecret ? 'conversions.rotate' : 'conversions.makeSecret')}
            </button>
          ) : (
            <p className="muted">{t('conversions.needsManage')}</p>
          )}
          <form className="conversions__window" onSubmit={saveWindow}>
            <label className="field">
              <span className="field__label">{t('conversions.window', { days: s.windowDays })}</span>
              <input className="input" type="number" min={1} max={365} value={days} placeholder={String(s.windowDays)} onChange={(e) => setDays(e.target.value)} disabled={!canConfigure} />
            </label>
            {canConfigure && (
              <button type="submit" className="btn btn--secondary" disabled={!days}>
                {t('conversions.saveWindow')}
              </button>
            )}
          </form>
          {error && (
            <div className="state--error" role="alert">
              {error}
            </div>
          )}
        </>
      )}
    </section>
  );
}

/**
 * Conversions: tracked links (`/l/<code>`) with their clicks and a copyable URL, a form to
 * make one, the report by campaign, channel, group or member with first and last touch
 * side by side, and the signed webhook's address, secret (made or rotated by an owner,
 * shown once) and attribution window.
 */
export function ConversionsPage({ workspace, canAct, canConfigure, canManage }: { workspace: Workspace; canAct: boolean; canConfigure: boolean; canManage: boolean }) {
  const { t } = useI18n();
  useDocumentTitle(t('conversions.title'));
  const links = useResource((signal) => fetchLinks(workspace.slug, signal), [workspace.slug], { pollMs: 60_000 });
  const recent = useResource((signal) => fetchConversions(workspace.slug, signal), [workspace.slug], { pollMs: 60_000 });
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('conversions.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('conversions.intro')}
          </p>
        </div>
      </header>
      <Report workspace={workspace} />
      <div className="conversions__grid">
        {canAct && <NewLink workspace={workspace} onCreated={links.reload} />}
        <SecretPanel workspace={workspace} canManage={canManage} canConfigure={canConfigure} />
      </div>
      <section className="card conversions__recent">
        <h2 className="card__title">{t('conversions.recent')}</h2>
        {!recent.data && recent.loading && <LoadingState what={t('conversions.recent')} />}
        {!recent.data && recent.error && <ErrorState what={t('conversions.recent')} error={recent.error} onRetry={recent.reload} />}
        {recent.data && <Recent conversions={recent.data.conversions} />}
      </section>
      <section className="card">
        <h2 className="card__title">{t('conversions.links')}</h2>
        {!links.data && links.loading && <LoadingState what={t('conversions.links')} />}
        {!links.data && links.error && <ErrorState what={t('conversions.links')} error={links.error} onRetry={links.reload} />}
        {links.data && <Links links={links.data.links} />}
      </section>
    </div>
  );
}
