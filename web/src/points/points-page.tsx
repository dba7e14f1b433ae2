import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import type { Workspace } from '../api-client.js';
import { EChart } from '../charts/echart.js';
import type { ChartOption } from '../charts/echarts-setup.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link, setQueryParam, useLocation } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';
import { adjustMemberPoints, fetchGroupPoints, fetchMemberPoints, fetchPointsGroups, savePointsSettings } from './points-api.js';
import type { GroupPoints, LeaderboardLine, PointsConfig } from './points-api.js';

const REFRESH_MS = 30_000;
const CHART_TOP = 10;
const REASONS = ['checkin', 'makeup', 'message', 'reply', 'invite', 'game', 'draw', 'task', 'adjust'];
const MEDAL_KEYS = ['first-checkin', 'streak-7', 'streak-30', 'streak-100', 'top-points', 'top-helper', 'top-inviter'];

function useMedalName() {
  const { t } = useI18n();
  return (medal: string) => (MEDAL_KEYS.includes(medal) ? t(`points.medal.${medal}` as MessageKey) : medal);
}

function useReasonName() {
  const { t } = useI18n();
  return (reason: string) => (REASONS.includes(reason) ? t(`points.reason.${reason}` as MessageKey) : reason);
}

/** The month's top members as horizontal bars: points earned, best at the top. */
function LeaderboardChart({ lines }: { lines: LeaderboardLine[] }) {
  const { t } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const top = lines.slice(0, CHART_TOP).reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: top.map((l) => l.name), axisLabel: { width: 90, overflow: 'truncate' } },
      series: [{ id: 'points', name: t('points.col.points'), type: 'bar', data: top.map((l) => l.points), itemStyle: { color: '#f59e0b' }, barMaxWidth: 22 }],
    };
  }, [lines, t]);
  return <EChart option={option} className="points__chart" ariaLabel={t('points.chart.aria')} testId="points-leaderboard-chart" />;
}

/** Check-ins per day of the month (made-up days stacked on top). */
function CheckinChart({ days }: { days: GroupPoints['checkinsByDay'] }) {
  const { t } = useI18n();
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: [t('points.chart.checkins'), t('points.chart.makeups')], bottom: 0 },
      grid: { left: 8, right: 16, top: 8, bottom: 32, containLabel: true },
      xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { id: 'checkins', name: t('points.chart.checkins'), type: 'bar', stack: 'c', data: days.map((d) => d.checkins - d.makeups), itemStyle: { color: '#10b981' } },
        { id: 'makeups', name: t('points.chart.makeups'), type: 'bar', stack: 'c', data: days.map((d) => d.makeups), itemStyle: { color: '#a7f3d0' } },
      ],
    }),
    [days, t],
  );
  return <EChart option={option} className="points__chart points__chart--small" ariaLabel={t('points.chart.checkinsAria')} testId="points-checkin-chart" />;
}

const numberFields: { path: [keyof PointsConfig, string]; label: MessageKey }[] = [
  { path: ['checkin', 'points'], label: 'points.set.checkinPoints' },
  { path: ['checkin', 'streakBonus'], label: 'points.set.streakBonus' },
  { path: ['checkin', 'streakBonusMax'], label: 'points.set.streakBonusMax' },
  { path: ['checkin', 'makeupDays'], label: 'points.set.makeupDays' },
  { path: ['checkin', 'makeupCost'], label: 'points.set.makeupCost' },
  { path: ['message', 'points'], label: 'points.set.messagePoints' },
  { path: ['message', 'dailyCap'], label: 'points.set.messageCap' },
  { path: ['message', 'minLength'], label: 'points.set.minLength' },
  { path: ['reply', 'points'], label: 'points.set.replyPoints' },
  { path: ['reply', 'dailyCap'], label: 'points.set.replyCap' },
  { path: ['invite', 'points'], label: 'points.set.invitePoints' },
];

/** The group's switch and check-in settings; saving needs the configure permission. */
function SettingsCard({ data, canConfigure, onSaved }: { data: GroupPoints; canConfigure: boolean; onSaved(): void }) {
  const { t } = useI18n();
  const s = data.settings;
  const [enabled, setEnabled] = useState(s.enabled);
  const [language, setLanguage] = useState(s.config.language);
  const [checkinOn, setCheckinOn] = useState(s.config.checkin.enabled);
  const [commendation, setCommendation] = useState(s.config.commendation);
  const [keywords, setKeywords] = useState(s.config.checkin.keywords.join(', '));
  const [makeupKeywords, setMakeupKeywords] = useState(s.config.checkin.makeupKeywords.join(', '));
  const [numbers, setNumbers] = useState<Record<string, string>>(() =>
    Object.fromEntries(numberFields.map((f) => [f.path.join('.'), String((s.config[f.path[0]] as unknown as Record<string, number>)[f.path[1]])])),
  );
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const split = (v: string) =>
    v
      .split(/[,，]/)
      .map((k) => k.trim())
      .filter(Boolean);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    const config: Record<string, Record<string, unknown> | unknown> = { language, commendation, checkin: { enabled: checkinOn, keywords: split(keywords), makeupKeywords: split(makeupKeywords) } };
    for (const f of numberFields) {
      const raw = numbers[f.path.join('.')] ?? '';
      if (!/^\d+$/.test(raw.trim())) {
        setError(t('points.set.notNumber', { field: t(f.label) }));
        return;
      }
      const section = (config[f.path[0]] ?? {}) as Record<string, unknown>;
      section[f.path[1]] = Number(raw);
      config[f.path[0]] = section;
    }
    try {
      await savePointsSettings(data.group.id, { enabled, config: config as Partial<PointsConfig> });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section className="card" data-testid="points-settings">
      <div className="card__head">
        <h2 className="card__title">{t('points.settings')}</h2>
      </div>
      <form className="points__form" onSubmit={save}>
        <fieldset disabled={!canConfigure} className="points__fieldset">
          <label className="points__check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} data-testid="points-enabled" />
            {t('points.set.enabled')}
          </label>
          <label className="points__check">
            <input type="checkbox" checked={checkinOn} onChange={(e) => setCheckinOn(e.target.checked)} />
            {t('points.set.checkin')}
          </label>
          <label className="points__check">
            <input type="checkbox" checked={commendation} onChange={(e) => setCommendation(e.target.checked)} />
            {t('points.set.commendation')}
          </label>
          <label className="field">
            <span className="field__label">{t('points.set.language')}</span>
            <select className="input" value={language} onChange={(e) => setLanguage(e.target.value === 'en' ? 'en' : 'zh')}>
              <option value="zh">中文</option>
              <option value="en">English</option>
            </select>
          </label>
          <label className="field">
            <span className="field__label">{t('points.set.keywords')}</span>
            <input className="input" value={keywords} onChange={(e) => setKeywords(e.target.value)} data-testid="points-keywords" />
          </label>
          <label className="field">
            <span className="field__label">{t('points.set.makeupKeywords')}</span>
            <input className="input" value={makeupKeywords} onChange={(e) => setMakeupKeywords(e.target.value)} />
          </label>
          <div className="points__numbers">
            {numberFields.map((f) => {
              const key = f.path.join('.');
              return (
                <label className="field" key={key}>
                  <span className="field__label">{t(f.label)}</span>
                  <input className="input" inputMode="numeric" value={numbers[key] ?? ''} onChange={(e) => setNumbers({ ...numbers, [key]: e.target.value })} />
                </label>
              );
            })}
          </div>
          <p className="muted">{t('points.set.levels', { levels: s.config.levels.map((l) => `${l.threshold} ${language === 'zh' ? l.zh : l.en}`).join(' · ') })}</p>
        </fieldset>
        {!canConfigure && <p className="muted">{t('points.set.needsConfigure')}</p>}
        {error && (
          <div className="state state--error" role="alert">
            {error}
          </div>
        )}
        {saved && <p className="muted">{t('points.set.saved')}</p>}
        {canConfigure && (
          <button type="submit" className="btn btn--primary" data-testid="points-save">
            {t('points.set.save')}
          </button>
        )}
      </form>
    </section>
  );
}

/** One member's points: balance, level and streak per group, medals, the ledger, and an operator's adjustment. */
function MemberLedger({ memberId, groupId, canAct }: { memberId: number; groupId: number; canAct: boolean }) {
  const { t, fmt, locale } = useI18n();
  const medalName = useMedalName();
  const reasonName = useReasonName();
  const shown = useResource((signal) => fetchMemberPoints(memberId, signal), [memberId]);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const m = shown.data;
  if (!m) return shown.error ? <ErrorState what={t('what.points')} error={shown.error} onRetry={shown.reload} /> : <LoadingState what={t('what.points')} />;
  const lang = locale === 'zh-CN' ? 'zh' : 'en';

  const adjust = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!/^[+-]?\d+$/.test(amount.trim()) || Number(amount) === 0) return setError(t('points.adjust.badAmount'));
    if (!reason.trim()) return setError(t('points.adjust.needReason'));
    try {
      await adjustMemberPoints(memberId, { groupId, points: Number(amount), reason: reason.trim() });
      setAmount('');
      setReason('');
      shown.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section className="card" data-testid="points-member">
      <div className="card__head">
        <h2 className="card__title">
          <Link to={`/members/${m.member.id}`}>{m.member.name}</Link> · {t('points.balance', { n: fmt.number(m.balance) })}
        </h2>
        <button type="button" className="btn btn--secondary" onClick={() => setQueryParam('member', null)}>
          {t('points.close')}
        </button>
      </div>
      <ul className="points__groups">
        {m.groups.map((g) => (
          <li key={g.groupId}>
            <strong>{g.groupName}</strong> — {t('points.memberGroup', { balance: fmt.number(g.balance), level: g.level, title: g.title[lang], streak: g.streak, checkins: g.checkins })}
          </li>
        ))}
      </ul>
      {m.medals.length > 0 && (
        <div className="points__medals" data-testid="points-member-medals">
          {m.medals.map((md) => (
            <span key={`${md.medal}-${md.groupId}-${md.period}`} className="chip">
              🏅 {medalName(md.medal)}
              {md.period ? ` · ${md.period}` : ''}
            </span>
          ))}
        </div>
      )}
      <div className="table-wrap">
        <table className="table" data-testid="points-ledger">
          <thead>
            <tr>
              <th scope="col">{t('points.col.at')}</th>
              <th scope="col">{t('points.col.change')}</th>
              <th scope="col">{t('points.col.reason')}</th>
              <th scope="col">{t('points.col.group')}</th>
            </tr>
          </thead>
          <tbody>
            {m.entries.map((e) => (
              <tr key={e.id}>
                <td>
                  <time dateTime={e.at}>{fmt.dateTime(e.at)}</time>
                </td>
                <td className={e.points > 0 ? 'points__plus' : 'points__minus'}>{fmt.signed(e.points)}</td>
                <td>
                  {reasonName(e.reason)}
                  {e.note ? <span className="muted"> · {e.note}</span> : null}
                  {e.createdBy ? <span className="muted"> · {e.createdBy}</span> : null}
                </td>
                <td>{e.groupName ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {m.entries.length === 0 && <div className="table-empty">{t('points.ledgerEmpty')}</div>}
      </div>
      {canAct && (
        <form className="points__adjust" onSubmit={adjust} data-testid="points-adjust">
          <label className="field">
            <span className="field__label">{t('points.adjust.amount')}</span>
            <input className="input" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="+10 / -5" />
          </label>
          <label className="field points__reason">
            <span className="field__label">{t('points.adjust.reason')}</span>
            <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
          </label>
          <button type="submit" className="btn btn--primary">
            {t('points.adjust.submit')}
          </button>
        </form>
      )}
      {error && (
        <div className="state state--error" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}

/** Points and check-in: a group's monthly leaderboard (chart and table), its daily check-ins, medals, settings, and a member's ledger. */
export function PointsPage({ workspace, canAct, canConfigure }: { workspace: Workspace; canAct: boolean; canConfigure: boolean }) {
  const { t, fmt, locale } = useI18n();
  useDocumentTitle(t('points.title'));
  const medalName = useMedalName();
  const { search } = useLocation();
  const groups = useResource((signal) => fetchPointsGroups(workspace.slug, signal), [workspace.slug], { pollMs: REFRESH_MS });
  const list = groups.data?.groups;
  const wanted = Number(search.get('group'));
  const groupId = list?.find((g) => g.groupId === wanted)?.groupId ?? list?.find((g) => g.enabled)?.groupId ?? list?.[0]?.groupId ?? null;
  const month = search.get('month');
  const memberId = Number(search.get('member')) || null;
  const shown = useResource((signal) => (groupId === null ? Promise.resolve(null) : fetchGroupPoints(groupId, month, signal)), [groupId, month], { pollMs: REFRESH_MS });
  const data = shown.data;
  const lang = locale === 'zh-CN' ? 'zh' : 'en';

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('points.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('points.intro')}
          </p>
        </div>
        <div className="points__pickers">
          <label className="field">
            <span className="field__label">{t('points.group')}</span>
            <select className="input" value={groupId ?? ''} onChange={(e) => setQueryParam('group', e.target.value)} data-testid="points-group">
              {(list ?? []).map((g) => (
                <option key={g.groupId} value={g.groupId}>
                  {g.name}
                  {g.enabled ? '' : ` (${t('points.off')})`}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">{t('points.month')}</span>
            <input className="input" type="month" value={month ?? data?.month ?? ''} onChange={(e) => setQueryParam('month', e.target.value || null)} data-testid="points-month" />
          </label>
        </div>
      </header>
      {!list && groups.error && <ErrorState what={t('what.points')} error={groups.error} onRetry={groups.reload} />}
      {!data && shown.loading && <LoadingState what={t('what.points')} />}
      {!data && shown.error && <ErrorState what={t('what.points')} error={shown.error} onRetry={shown.reload} />}
      {list && list.length === 0 && <div className="table-empty">{t('points.noGroups')}</div>}
      {data && (
        <>
          {shown.error && <RefreshErrorBanner error={shown.error} />}
          {!data.settings.enabled && <p className="state">{t('points.offHint')}</p>}
          {memberId !== null && <MemberLedger key={memberId} memberId={memberId} groupId={data.group.id} canAct={canAct} />}
          <div className="points__grid">
            <section className="card" data-testid="points-leaderboard">
              <div className="card__head">
                <h2 className="card__title">{t('points.leaderboard', { month: data.month })}</h2>
              </div>
              {data.leaderboard.length > 0 && <LeaderboardChart lines={data.leaderboard} />}
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">{t('points.col.member')}</th>
                      <th scope="col">{t('points.col.points')}</th>
                      <th scope="col">{t('points.col.checkins')}</th>
                      <th scope="col">{t('points.col.level')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.leaderboard.map((l) => (
                      <tr key={l.memberId} data-testid="points-row">
                        <td>{l.rank}</td>
                        <td>
                          <button type="button" className="points__name" onClick={() => setQueryParam('member', String(l.memberId))}>
                            {l.name}
                          </button>
                        </td>
                        <td>{fmt.number(l.points)}</td>
                        <td>{fmt.number(l.checkins)}</td>
                        <td>
                          Lv{l.level} {l.title[lang]}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {data.leaderboard.length === 0 && <div className="table-empty">{t('points.empty')}</div>}
              </div>
            </section>
            <div className="points__side">
              <section className="card">
                <div className="card__head">
                  <h2 className="card__title">{t('points.checkins')}</h2>
                </div>
                {data.checkinsByDay.length > 0 ? <CheckinChart days={data.checkinsByDay} /> : <div className="table-empty">{t('points.noCheckins')}</div>}
              </section>
              <section className="card" data-testid="points-medals">
                <div className="card__head">
                  <h2 className="card__title">{t('points.medals')}</h2>
                </div>
                {data.medals.length === 0 ? (
                  <div className="table-empty">{t('points.noMedals')}</div>
                ) : (
                  <ul className="points__medal-list">
                    {data.medals.map((m) => (
                      <li key={`${m.memberId}-${m.medal}`}>
                        🏅 <strong>{m.name}</strong> {medalName(m.medal)}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </div>
          </div>
          <SettingsCard key={`${data.group.id}-${JSON.stringify(data.settings)}`} data={data} canConfigure={canConfigure} onSaved={() => (shown.reload(), groups.reload())} />
        </>
      )}
    </div>
  );
}
