import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import type { Workspace } from '../api-client.js';
import { fetchGroups, fetchGroupSets } from '../api-client.js';
import { CampaignTreeChart, STATUS_COLOURS } from '../campaigns/campaign-tree-chart.js';
import { createCampaign, fetchCampaign, fetchCampaigns, fetchCampaignTree, fetchCoupons, fulfilReward, issueCode, REFERRAL_STATUSES, saveCompletedSet } from '../campaigns/campaigns-api.js';
import type { CampaignSummary, MemberProgress, RewardSpec, TierInput } from '../campaigns/campaigns-api.js';
import { EChart } from '../charts/echart.js';
import type { ChartOption } from '../charts/echarts-setup.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

/** A campaign's page follows joins closely (live progress); the list refreshes slowly. */
const LIVE_MS = 5_000;
const LIST_MS = 30_000;
const TOP_INVITERS = 10;

type TierKind = RewardSpec['kind'];
interface TierDraft {
  threshold: string;
  kind: TierKind;
  /** The group (vip_invite, role), the coupon (coupon); unused for manual. */
  ref: string;
  role: string;
  label: string;
}

const ROLE_CHOICES = ['initiator', 'seed', 'expert', 'opinion_leader', 'extra'];

/** The most-inviting members as bars: friends counted, and those who joined but do not count. */
function TopInvitersChart({ progress }: { progress: MemberProgress[] }) {
  const { t } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const top = progress.slice(0, TOP_INVITERS).reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: [t('campaigns.chart.counted'), t('campaigns.chart.notCounted')], bottom: 0 },
      grid: { left: 8, right: 16, top: 8, bottom: 32, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: top.map((p) => p.name) },
      series: [
        { id: 'counted', name: t('campaigns.chart.counted'), type: 'bar', stack: 'friends', data: top.map((p) => p.counted), itemStyle: { color: STATUS_COLOURS.counted } },
        { id: 'not-counted', name: t('campaigns.chart.notCounted'), type: 'bar', stack: 'friends', data: top.map((p) => p.friends - p.counted), itemStyle: { color: '#fca5a5' } },
      ],
    };
  }, [progress, t]);
  return <EChart option={option} className="campaigns__bars" ariaLabel={t('campaigns.chart.aria')} testId="campaign-top-inviters" />;
}

/** One campaign: live progress per member (top inviters), the invite tree, rewards granted and clawed back, codes and the completed list. */
function CampaignDetail({ id, canAct }: { id: number; canAct: boolean }) {
  const { t, fmt } = useI18n();
  const shown = useResource((signal) => fetchCampaign(id, signal), [id], { pollMs: LIVE_MS });
  const tree = useResource((signal) => fetchCampaignTree(id, signal), [id], { pollMs: LIVE_MS });
  const [member, setMember] = useState('');
  const [issued, setIssued] = useState<string | null>(null);
  const [setName, setSetName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const c = shown.data;
  if (!c) return shown.error ? <ErrorState what={t('what.campaigns')} error={shown.error} onRetry={shown.reload} /> : <LoadingState what={t('what.campaigns')} />;

  const issue = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setIssued(null);
    try {
      const made = await issueCode(id, Number(member));
      setIssued(t('campaigns.codeIssued', { code: made.code, link: `${window.location.origin}${made.link}` }));
      shown.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const saveSet = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setIssued(null);
    try {
      const saved = await saveCompletedSet(id, setName);
      setIssued(t('campaigns.setSaved', { set: saved.set, groups: saved.groups.length, members: saved.members }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const fulfil = async (rewardId: number) => {
    setError(null);
    try {
      await fulfilReward(id, rewardId);
      shown.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section className="card" data-testid="campaign-detail" data-id={c.id}>
      <div className="card__head">
        <h2 className="card__title">{c.name}</h2>
        <span className={`badge ${c.running ? 'campaigns__badge--running' : 'campaigns__badge--stopped'}`}>{t(c.running ? 'campaigns.running' : 'campaigns.notRunning')}</span>
      </div>
      <p className="muted">
        {t('campaigns.rules', { goal: c.goal, hours: c.fraudHours })}
        {c.speakWithinHours !== null && ` · ${t('campaigns.speakRule', { hours: c.speakWithinHours })}`}
        {' · '}
        {t(`campaigns.form.${c.form}` as MessageKey)}
      </p>
      {c.tiers.length > 0 && (
        <ul className="campaigns__tiers">
          {c.tiers.map((tier, i) => (
            <li key={`${tier.threshold}-${i}`}>{t('campaigns.tierLine', { threshold: tier.threshold, label: tier.label, kind: t(`campaigns.reward.${tier.reward.kind}` as MessageKey) })}</li>
          ))}
        </ul>
      )}
      {shown.error && <RefreshErrorBanner error={shown.error} />}

      <h3 className="campaigns__sub">{t('campaigns.topInviters')}</h3>
      {c.progress.length === 0 ? <p className="muted">{t('campaigns.noProgress')}</p> : <TopInvitersChart progress={c.progress} />}
      <div className="table-wrap">
        <table className="table" data-testid="campaign-progress">
          <thead>
            <tr>
              <th scope="col">{t('campaigns.col.member')}</th>
              <th scope="col">{t('campaigns.col.progress')}</th>
              <th scope="col">{t('campaigns.col.why')}</th>
              <th scope="col">{t('campaigns.col.code')}</th>
            </tr>
          </thead>
          <tbody>
            {c.progress.map((p) => (
              <tr key={p.memberId} data-testid="campaign-member" data-counted={p.counted}>
                <td>
                  <Link to={`/members/${p.memberId}`}>{p.name}</Link>
                  {p.completed && <span className="badge campaigns__badge--done">{t('campaigns.completed')}</span>}
                </td>
                <td>{t('campaigns.friendsJoined', { counted: p.counted, goal: p.goal })}</td>
                <td className="campaigns__why">
                  {REFERRAL_STATUSES.filter((s) => s !== 'counted' && (p.statuses[s] ?? 0) > 0)
                    .map((s) => `${t(`campaigns.status.${s}` as MessageKey)} ${p.statuses[s]}`)
                    .join(' · ') || '—'}
                </td>
                <td>
                  <code>{p.code ?? '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3 className="campaigns__sub">{t('campaigns.tree')}</h3>
      {tree.data ? (
        tree.data.members === 0 ? (
          <p className="muted">{t('campaigns.noProgress')}</p>
        ) : (
          <>
            <p className="muted" data-testid="campaign-tree-figures">
              {t('campaigns.treeFigures', { members: fmt.number(tree.data.members), depth: tree.data.depth })}
            </p>
            <CampaignTreeChart title={c.name} roots={tree.data.roots} />
            <p className="campaigns__legend">
              {(['counted', 'pending', 'left_early', 'outside_window'] as const).map((s) => (
                <span key={s}>
                  <span className="campaigns__swatch" style={{ background: STATUS_COLOURS[s] }} aria-hidden="true" />
                  {t(`campaigns.status.${s}` as MessageKey)}
                </span>
              ))}
            </p>
          </>
        )
      ) : (
        tree.error && <ErrorState what={t('what.campaigns')} error={tree.error} onRetry={tree.reload} />
      )}

      <h3 className="campaigns__sub">{t('campaigns.rewards')}</h3>
      <div className="table-wrap">
        <table className="table" data-testid="campaign-rewards">
          <thead>
            <tr>
              <th scope="col">{t('campaigns.col.member')}</th>
              <th scope="col">{t('campaigns.col.reward')}</th>
              <th scope="col">{t('campaigns.col.state')}</th>
            </tr>
          </thead>
          <tbody>
            {c.rewards.map((r) => (
              <tr key={r.id} data-testid="campaign-reward" data-state={r.clawedBackAt !== null ? 'clawed-back' : 'granted'}>
                <td>{r.memberName}</td>
                <td>
                  {r.label}
                  {r.couponCode && <code className="campaigns__code">{r.couponCode}</code>}
                  {r.code && <code className="campaigns__code">{r.code}</code>}
                  {r.refused && <span className="muted"> ({r.refused})</span>}
                </td>
                <td>
                  {r.clawedBackAt !== null ? (
                    <span className="badge campaigns__badge--clawed">{t('campaigns.clawedBack', { time: fmt.dateTime(new Date(r.clawedBackAt).toISOString()), note: r.clawbackNote ?? '' })}</span>
                  ) : (
                    <span className="badge campaigns__badge--done">{t('campaigns.granted', { time: fmt.dateTime(new Date(r.grantedAt).toISOString()) })}</span>
                  )}
                  {r.kind === 'manual' && r.clawedBackAt === null && r.fulfilledAt === null && canAct && (
                    <button type="button" className="btn btn--secondary campaigns__fulfil" onClick={() => fulfil(r.id)}>
                      {t('campaigns.fulfil')}
                    </button>
                  )}
                  {r.fulfilledAt !== null && <span className="muted"> {t('campaigns.fulfilled')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {c.rewards.length === 0 && <div className="table-empty">{t('campaigns.noRewards')}</div>}
      </div>

      <div className="campaigns__actions">
        <a className="btn btn--secondary" href={`/api/campaigns/${c.id}/completed?format=csv`} download data-testid="campaign-export">
          {t('campaigns.exportCompleted', { count: c.progress.filter((p) => p.completed).length })}
        </a>
        {canAct && (
          <form className="campaigns__issue" onSubmit={saveSet}>
            <label className="field">
              <span className="field__label">{t('campaigns.setFor')}</span>
              <input className="input" value={setName} onChange={(e) => setSetName(e.target.value)} maxLength={50} required data-testid="campaign-set-name" />
            </label>
            <button type="submit" className="btn btn--secondary" data-testid="campaign-save-set">
              {t('campaigns.saveSet')}
            </button>
          </form>
        )}
        {canAct && (
          <form className="campaigns__issue" onSubmit={issue}>
            <label className="field">
              <span className="field__label">{t('campaigns.issueFor')}</span>
              <input className="input" inputMode="numeric" pattern="[0-9]+" value={member} onChange={(e) => setMember(e.target.value)} required data-testid="campaign-member-id" />
            </label>
            <button type="submit" className="btn btn--primary" data-testid="campaign-issue">
              {t('campaigns.issue')}
            </button>
          </form>
        )}
      </div>
      {issued && (
        <p className="campaigns__issued" data-testid="campaign-issued">
          {issued}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** The create form: name, form, target groups (a set or a group), goal, fraud rules, reward tiers, end. */
function CreateCampaign({ workspace, onCreated }: { workspace: Workspace; onCreated: (c: CampaignSummary) => void }) {
  const { t } = useI18n();
  const sets = useResource((signal) => fetchGroupSets(workspace.slug, signal), [workspace.slug]);
  const groups = useResource((signal) => fetchGroups(workspace.slug, signal), [workspace.slug]);
  const coupons = useResource((signal) => fetchCoupons(workspace.slug, signal), [workspace.slug]);
  const [name, setName] = useState('');
  const [form, setForm] = useState<'invite' | 'poster'>('invite');
  const [target, setTarget] = useState('');
  const [goal, setGoal] = useState('3');
  const [fraudHours, setFraudHours] = useState('72');
  const [speak, setSpeak] = useState('');
  const [language, setLanguage] = useState<'zh' | 'en'>('zh');
  const [endsAt, setEndsAt] = useState('');
  const [tiers, setTiers] = useState<TierDraft[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const groupList = groups.data?.groups ?? [];
  const chosen = target || (groupList[0] ? `group:${groupList[0].id}` : '');

  const setTier = (i: number, change: Partial<TierDraft>) => setTiers((list) => list.map((d, k) => (k === i ? { ...d, ...change } : d)));
  const rewardOf = (d: TierDraft): RewardSpec => {
    if (d.kind === 'manual') return { kind: 'manual', note: d.label.trim() };
    if (d.kind === 'coupon') return { kind: 'coupon', couponId: Number(d.ref) };
    if (d.kind === 'role') return { kind: 'role', groupId: Number(d.ref), role: d.role };
    return { kind: 'vip_invite', groupId: Number(d.ref) };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const [kind, value] = chosen.split(/:(.*)/s) as [string, string];
      const made = await createCampaign(workspace.slug, {
        name,
        form,
        targets: kind === 'set' ? { sets: [value] } : { groups: [Number(value)] },
        goal: Number(goal),
        fraudHours: Number(fraudHours),
        speakWithinHours: speak.trim() ? Number(speak) : null,
        tiers: tiers.map((d): TierInput => ({ threshold: Number(d.threshold), label: d.label.trim(), reward: rewardOf(d) })),
        language,
        endsAt: endsAt ? new Date(endsAt).toISOString() : null,
      });
      setName('');
      setTiers([]);
      onCreated(made);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <div className="card__head">
        <h2 className="card__title">{t('campaigns.create')}</h2>
      </div>
      <form className="campaigns__form" onSubmit={submit} data-testid="campaign-form">
        <label className="field">
          <span className="field__label">{t('campaigns.field.name')}</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required data-testid="campaign-name" />
        </label>
        <label className="field">
          <span className="field__label">{t('campaigns.field.form')}</span>
          <select className="input" value={form} onChange={(e) => setForm(e.target.value as 'invite' | 'poster')}>
            <option value="invite">{t('campaigns.form.invite')}</option>
            <option value="poster">{t('campaigns.form.poster')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('campaigns.field.targets')}</span>
          <select className="input" value={chosen} onChange={(e) => setTarget(e.target.value)} data-testid="campaign-target">
            {sets.data?.sets.map((s) => (
              <option key={`set:${s.tag}`} value={`set:${s.tag}`}>
                {t('campaigns.targetSet', { set: s.tag, count: s.groups })}
              </option>
            ))}
            {groupList.map((g) => (
              <option key={`group:${g.id}`} value={`group:${g.id}`}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('campaigns.field.goal')}</span>
          <input className="input" type="number" min={1} max={100000} value={goal} onChange={(e) => setGoal(e.target.value)} required data-testid="campaign-goal" />
        </label>
        <label className="field">
          <span className="field__label">{t('campaigns.field.fraudHours')}</span>
          <input className="input" type="number" min={0} max={720} value={fraudHours} onChange={(e) => setFraudHours(e.target.value)} required />
          <span className="muted">{t('campaigns.field.fraudHint')}</span>
        </label>
        <label className="field">
          <span className="field__label">{t('campaigns.field.speak')}</span>
          <input className="input" type="number" min={1} max={720} value={speak} onChange={(e) => setSpeak(e.target.value)} placeholder={t('campaigns.field.speakOff')} />
        </label>
        <label className="field">
          <span className="field__label">{t('campaigns.field.language')}</span>
          <select className="input" value={language} onChange={(e) => setLanguage(e.target.value as 'zh' | 'en')}>
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('campaigns.field.end')}</span>
          <input className="input" type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
        </label>
        <fieldset className="campaigns__wide campaigns__tier-set">
          <legend className="field__label">{t('campaigns.field.tiers')}</legend>
          {tiers.map((d, i) => (
            <div className="campaigns__tier" key={i} data-testid="campaign-tier">
              <input className="input" type="number" min={1} value={d.threshold} onChange={(e) => setTier(i, { threshold: e.target.value })} aria-label={t('campaigns.tier.threshold')} required />
              <select className="input" value={d.kind} onChange={(e) => setTier(i, { kind: e.target.value as TierKind, ref: '' })} aria-label={t('campaigns.tier.kind')}>
                {(['vip_invite', 'coupon', 'role', 'manual'] as const).map((k) => (
                  <option key={k} value={k}>
                    {t(`campaigns.reward.${k}` as MessageKey)}
                  </option>
                ))}
              </select>
              {(d.kind === 'vip_invite' || d.kind === 'role') && (
                <select className="input" value={d.ref} onChange={(e) => setTier(i, { ref: e.target.value })} aria-label={t('campaigns.tier.group')} required>
                  <option value="">{t('campaigns.tier.group')}</option>
                  {groupList.map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.name}
                    </option>
                  ))}
                </select>
              )}
              {d.kind === 'role' && (
                <select className="input" value={d.role} onChange={(e) => setTier(i, { role: e.target.value })} aria-label={t('campaigns.tier.role')}>
                  {ROLE_CHOICES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              )}
              {d.kind === 'coupon' && (
                <select className="input" value={d.ref} onChange={(e) => setTier(i, { ref: e.target.value })} aria-label={t('campaigns.tier.coupon')} required>
                  <option value="">{t('campaigns.tier.coupon')}</option>
                  {coupons.data?.coupons.map((k) => (
                    <option key={k.id} value={k.id}>
                      {k.title} ({k.code})
                    </option>
                  ))}
                </select>
              )}
              <input
                className="input"
                value={d.label}
                onChange={(e) => setTier(i, { label: e.target.value })}
                maxLength={100}
                placeholder={t('campaigns.tier.label')}
                aria-label={t('campaigns.tier.label')}
                required
              />
              <button type="button" className="btn btn--secondary" onClick={() => setTiers((list) => list.filter((_, k) => k !== i))}>
                {t('campaigns.tier.remove')}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="btn btn--secondary"
            onClick={() => setTiers((list) => [...list, { threshold: String(list.length === 0 ? Number(goal) || 3 : 20), kind: 'vip_invite', ref: '', role: 'initiator', label: '' }])}
            disabled={tiers.length >= 10}
            data-testid="campaign-add-tier"
          >
            {t('campaigns.tier.add')}
          </button>
        </fieldset>
        <div className="campaigns__wide">
          <button type="submit" className="btn btn--primary" disabled={busy || !chosen || name.trim() === ''} data-testid="campaign-create">
            {t('campaigns.createButton')}
          </button>
        </div>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Campaigns: fission campaigns with their live progress, invite tree and rewards; a create form for those who act. */
export function CampaignsPage({ workspace, canAct }: { workspace: Workspace; canAct: boolean }) {
  const { t, fmt } = useI18n();
  useDocumentTitle(t('campaigns.title'));
  const list = useResource((signal) => fetchCampaigns(workspace.slug, signal), [workspace.slug], { pollMs: LIST_MS });
  const [open, setOpen] = useState<number | null>(null);
  const campaigns = list.data?.campaigns;
  const shown = open ?? campaigns?.[0]?.id ?? null;

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('campaigns.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('campaigns.intro')}
          </p>
        </div>
      </header>
      {!campaigns && list.loading && <LoadingState what={t('what.campaigns')} />}
      {!campaigns && list.error && <ErrorState what={t('what.campaigns')} error={list.error} onRetry={list.reload} />}
      {campaigns && (
        <section className="card">
          <div className="card__head">
            <h2 className="card__title">{t('campaigns.list')}</h2>
          </div>
          {list.error && <RefreshErrorBanner error={list.error} />}
          <div className="table-wrap">
            <table className="table" data-testid="campaigns-table">
              <thead>
                <tr>
                  <th scope="col">{t('campaigns.col.name')}</th>
                  <th scope="col">{t('campaigns.col.goal')}</th>
                  <th scope="col">{t('campaigns.col.taking')}</th>
                  <th scope="col">{t('campaigns.col.friends')}</th>
                  <th scope="col">{t('campaigns.col.completed')}</th>
                </tr>
              </thead>
              <tbody>
                {campaigns.map((c) => (
                  <tr key={c.id} data-testid="campaign-row" data-id={c.id} className={c.id === shown ? 'is-selected' : undefined}>
                    <td>
                      <button type="button" className="link-button" onClick={() => setOpen(c.id)} aria-pressed={c.id === shown}>
                        {c.name}
                      </button>
                      {!c.running && <span className="muted"> · {t('campaigns.notRunning')}</span>}
                    </td>
                    <td>{fmt.number(c.goal)}</td>
                    <td>{fmt.number(c.participants)}</td>
                    <td>{t('campaigns.countedOf', { counted: fmt.number(c.counted), friends: fmt.number(c.friends) })}</td>
                    <td>{fmt.number(c.completed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {campaigns.length === 0 && <div className="table-empty">{t('campaigns.empty')}</div>}
          </div>
        </section>
      )}
      {shown !== null && <CampaignDetail key={shown} id={shown} canAct={canAct} />}
      {canAct && (
        <CreateCampaign
          workspace={workspace}
          onCreated={(c) => {
            setOpen(c.id);
            list.reload();
          }}
        />
      )}
    </div>
  );
}
