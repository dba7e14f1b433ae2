import { useMemo, useState } from 'react';
import type { MouseEvent } from 'react';
import type { AlertRecord, GroupSummary } from '../api-client.js';
import { Sparkline } from '../charts/sparkline.js';
import { platformLabel, useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link, navigate } from '../router.js';
import { silenceMs } from '../silence.js';
import { PlatformBadge } from './platform-badge.js';

type SortKey = 'name' | 'platform' | 'type' | 'members' | 'todayMessages' | 'todayActive' | 'todayJoins' | 'todayLeaves' | 'last7Messages' | 'last7Active' | 'lastMessageAt';

interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

const NUMERIC: Record<SortKey, boolean> = {
  name: false,
  platform: false,
  type: false,
  members: true,
  todayMessages: true,
  todayActive: true,
  todayJoins: true,
  todayLeaves: true,
  last7Messages: true,
  last7Active: true,
  lastMessageAt: true,
};

function numericValue(g: GroupSummary, key: SortKey): number {
  switch (key) {
    case 'members':
      return g.members;
    case 'todayMessages':
      return g.today.messages;
    case 'todayActive':
      return g.today.activeMembers;
    case 'todayJoins':
      return g.today.joins;
    case 'todayLeaves':
      return g.today.leaves;
    case 'last7Messages':
      return g.last7.messages;
    case 'last7Active':
      return g.last7.activeMembers;
    case 'lastMessageAt':
      // Never-active groups sort as the oldest.
      return g.lastMessageAt ? new Date(g.lastMessageAt).getTime() || 0 : -Infinity;
    default:
      return 0;
  }
}

/** Props of {@link GroupsTable}. */
export interface GroupsTableProps {
  groups: GroupSummary[];
  /** The server's clock for this data; silence is measured against it, not the browser's. */
  asOf: string;
  /** Number of days in each row's `daily` series. */
  days: number;
  /** The groups the silence watchdog flags now (see silence.ts), by id. */
  silences: ReadonlyMap<number, AlertRecord>;
  /** Each group's sets, by id, to filter the table by one. */
  sets?: ReadonlyMap<number, readonly string[]>;
  /** The set to show first (a link to `/?set=…`). */
  initialSet?: string;
}

/**
 * Every group of the workspace with today's and the week's activity, sortable by any
 * column and filterable by name. Rows open the group's page; groups the silence
 * watchdog has raised an alert for (and nobody has spoken in since) are flagged.
 */
export function GroupsTable({ groups, asOf, days, silences, sets, initialSet }: GroupsTableProps) {
  const { t, fmt, locale } = useI18n();
  const [query, setQuery] = useState('');
  const [set, setSet] = useState(initialSet ?? '');
  const setNames = useMemo(() => [...new Set([...(sets?.values() ?? [])].flat())].sort(), [sets]);
  const [sort, setSort] = useState<Sort>({ key: 'todayMessages', dir: 'desc' });

  const collator = useMemo(() => new Intl.Collator(locale, { numeric: true, sensitivity: 'base' }), [locale]);

  const rows = useMemo(() => {
    const needle = query.trim().toLocaleLowerCase();
    const filtered = groups.filter((g) => (!needle || g.name.toLocaleLowerCase().includes(needle)) && (!set || (sets?.get(g.id) ?? []).includes(set)));
    const sign = sort.dir === 'asc' ? 1 : -1;
    const text = (g: GroupSummary): string => (sort.key === 'name' ? g.name : sort.key === 'platform' ? platformLabel(t, g.platform) : (g.type ?? ''));
    filtered.sort((a, b) => {
      let c: number;
      if (NUMERIC[sort.key]) {
        const x = numericValue(a, sort.key);
        const y = numericValue(b, sort.key);
        c = x === y ? 0 : x < y ? -1 : 1;
      } else if (sort.key === 'type' && !a.type !== !b.type) {
        // Untyped groups go last whichever way the column is sorted.
        return a.type ? -1 : 1;
      } else {
        c = collator.compare(text(a), text(b));
      }
      // Ties fall back to the name so the order is stable across refreshes.
      return c !== 0 ? c * sign : collator.compare(a.name, b.name) || a.id - b.id;
    });
    return filtered;
  }, [groups, query, set, sets, sort, collator, t]);

  const toggleSort = (key: SortKey) => {
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: NUMERIC[key] ? 'desc' : 'asc' }));
  };

  const header = (key: SortKey, label: MessageKey, props: { rowSpan?: number; className?: string; groupLabel?: MessageKey } = {}) => {
    const active = sort.key === key;
    const text = t(label);
    const full = props.groupLabel ? `${t(props.groupLabel)} · ${text}` : text;
    return (
      <th
        scope="col"
        rowSpan={props.rowSpan}
        className={[props.className, NUMERIC[key] ? 'num' : '', active ? 'is-sorted' : ''].filter(Boolean).join(' ')}
        aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      >
        <button type="button" className="sort-btn" onClick={() => toggleSort(key)} title={t('groups.sortBy', { column: full })}>
          <span>{text}</span>
          <span className="sort-btn__icon" aria-hidden="true">
            {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  const openRow = (event: MouseEvent<HTMLTableRowElement>, id: number) => {
    // Let links inside the row, and text selection, behave normally.
    if ((event.target as Element).closest('a, button')) return;
    if (window.getSelection()?.toString()) return;
    navigate(`/groups/${id}`);
  };

  return (
    <section className="card" aria-labelledby="groups-title">
      <div className="card__head">
        <h2 id="groups-title" className="card__title">
          {t('groups.title')}
          <span className="card__count">{t('groups.count', { shown: fmt.number(rows.length), total: fmt.number(groups.length) })}</span>
        </h2>
        {setNames.length > 0 && (
          <select className="input input--set" aria-label={t('groups.setFilter')} value={set} onChange={(e) => setSet(e.target.value)} data-testid="groups-set-filter">
            <option value="">{t('groups.allSets')}</option>
            {setNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
        <input
          type="search"
          className="input input--search"
          placeholder={t('groups.filter')}
          aria-label={t('groups.filter')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="groups-filter"
        />
      </div>
      <div className="table-wrap">
        <table className="table groups-table" data-testid="groups-table">
          <thead>
            <tr>
              {header('name', 'col.name', { rowSpan: 2, className: 'col-name' })}
              {header('platform', 'col.platform', { rowSpan: 2 })}
              {header('type', 'col.type', { rowSpan: 2 })}
              {header('members', 'col.members', { rowSpan: 2 })}
              <th scope="colgroup" colSpan={4} className="th-group">
                {t('col.today')}
              </th>
              <th scope="colgroup" colSpan={2} className="th-group">
                {t('col.last7')}
              </th>
              <th scope="col" rowSpan={2} className="col-trend">
                {t('col.trend')}
              </th>
              {header('lastMessageAt', 'col.lastMessage', { rowSpan: 2, className: 'col-last' })}
            </tr>
            <tr>
              {header('todayMessages', 'col.messages', { groupLabel: 'col.today', className: 'group-start' })}
              {header('todayActive', 'col.active', { groupLabel: 'col.today' })}
              {header('todayJoins', 'col.joins', { groupLabel: 'col.today' })}
              {header('todayLeaves', 'col.leaves', { groupLabel: 'col.today' })}
              {header('last7Messages', 'col.messages', { groupLabel: 'col.last7', className: 'group-start' })}
              {header('last7Active', 'col.active', { groupLabel: 'col.last7' })}
            </tr>
          </thead>
          <tbody>
            {rows.map((g) => {
              const silent = silences.has(g.id);
              const quiet = silenceMs(g.lastMessageAt, asOf);
              const total = g.daily.reduce((sum, v) => sum + v, 0);
              return (
                <tr key={g.id} data-testid="group-row" data-group-id={g.id} data-silent={silent ? 'true' : 'false'} className={silent ? 'is-silent' : undefined} onClick={(e) => openRow(e, g.id)}>
                  <th scope="row" className="col-name">
                    <Link to={`/groups/${g.id}`} className="group-link">
                      {g.name}
                    </Link>
                    {silent && (
                      <span className="badge badge--warn" title={t('groups.silentHint')} data-testid="silent-flag">
                        {quiet === null ? t('groups.neverActive') : t('groups.silent', { duration: fmt.duration(quiet) })}
                      </span>
                    )}
                  </th>
                  <td>
                    <PlatformBadge platform={g.platform} />
                  </td>
                  <td className={g.type ? undefined : 'muted'}>{g.type ?? '—'}</td>
                  <td className="num">{fmt.number(g.members)}</td>
                  <td className={`num group-start${g.today.messages === 0 ? ' muted' : ''}`}>{fmt.number(g.today.messages)}</td>
                  <td className={`num${g.today.activeMembers === 0 ? ' muted' : ''}`}>{fmt.number(g.today.activeMembers)}</td>
                  <td className={`num${g.today.joins > 0 ? ' num--good' : ' muted'}`}>{fmt.number(g.today.joins)}</td>
                  <td className={`num${g.today.leaves > 0 ? ' num--bad' : ' muted'}`}>{fmt.number(g.today.leaves)}</td>
                  <td className="num group-start">{fmt.number(g.last7.messages)}</td>
                  <td className="num">{fmt.number(g.last7.activeMembers)}</td>
                  <td className="col-trend">
                    <Sparkline values={g.daily} muted={silent} label={t('groups.sparkline', { total: fmt.number(total), days })} />
                  </td>
                  <td className={`col-last${silent ? ' is-warn' : ''}`}>
                    {g.lastMessageAt ? (
                      <time dateTime={g.lastMessageAt} title={fmt.dateTime(g.lastMessageAt)}>
                        {fmt.relative(g.lastMessageAt, asOf)}
                      </time>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {rows.length === 0 && <div className="table-empty">{groups.length === 0 ? t('groups.empty') : t('groups.noMatch', { query: query.trim() })}</div>}
      </div>
    </section>
  );
}
