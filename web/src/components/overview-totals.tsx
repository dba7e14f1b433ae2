import type { AlertRecord, Overview } from '../api-client.js';
import { useI18n } from '../i18n.js';

type Tone = 'neutral' | 'good' | 'warn' | 'bad';

function StatCard({ label, value, note, tone = 'neutral', accent }: { label: string; value: string; note: string; tone?: Tone; accent: string }) {
  return (
    <div className={`stat stat--${accent}`}>
      <div className="stat__label">{label}</div>
      <div className="stat__value">{value}</div>
      <div className={`stat__note stat__note--${tone}`}>{note}</div>
    </div>
  );
}

/**
 * The workspace's headline figures. Each card's note adds the context an operator
 * checks next: yesterday's figure (today is still running, so no misleading
 * percentage), how many groups the silence watchdog flags now, the day's net member change.
 */
export function OverviewTotals({ overview, silences }: { overview: Overview; silences: ReadonlyMap<number, AlertRecord> }) {
  const { t, fmt } = useI18n();
  const { totals, series, groups } = overview;
  const yesterday = (values: number[]) => fmt.number(values[values.length - 2] ?? 0);
  const silent = silences.size;
  const net = totals.joinsToday - totals.leavesToday;

  return (
    <section className="stat-grid" data-testid="overview-totals" aria-label={t('overview.title')}>
      <StatCard
        accent="groups"
        label={t('totals.groups')}
        value={fmt.number(totals.groups)}
        note={groups.length === 0 ? t('groups.empty') : silent > 0 ? t('totals.silentGroups', { count: fmt.number(silent) }) : t('totals.allActive')}
        tone={groups.length === 0 ? 'neutral' : silent > 0 ? 'warn' : 'good'}
      />
      <StatCard
        accent="members"
        label={t('totals.members')}
        value={fmt.number(totals.members)}
        note={t('totals.net', { value: fmt.signed(net) })}
        tone={net > 0 ? 'good' : net < 0 ? 'bad' : 'neutral'}
      />
      <StatCard accent="messages" label={t('totals.messagesToday')} value={fmt.number(totals.messagesToday)} note={t('totals.yesterday', { value: yesterday(series.messages) })} />
      <StatCard
        accent="active"
        label={t('totals.activeToday')}
        value={fmt.number(totals.activeToday)}
        note={t('totals.ofMembers', { value: fmt.percent(totals.members > 0 ? totals.activeToday / totals.members : 0) })}
      />
      <StatCard accent="joins" label={t('totals.joinsToday')} value={fmt.number(totals.joinsToday)} note={t('totals.yesterday', { value: yesterday(series.joins) })} />
      <StatCard
        accent="leaves"
        label={t('totals.leavesToday')}
        value={fmt.number(totals.leavesToday)}
        note={t('totals.yesterday', { value: yesterday(series.leaves) })}
        tone={totals.leavesToday > totals.joinsToday ? 'bad' : 'neutral'}
      />
    </section>
  );
}
