import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { EChart } from '../charts/echart.js';
import type { ChartOption } from '../charts/echarts-setup.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { useResource } from '../use-resource.js';
import { closeVote, fetchGroupVotes, fetchVote, startVote, type VoteRecord, vetoVote } from './vote-api.js';

const REFRESH_MS = 15_000;
const MAX_OPTIONS = 10;

function stateKey(vote: VoteRecord): MessageKey {
  if (vote.vetoed) return 'votes.state.vetoed';
  return vote.closed ? 'votes.state.closed' : 'votes.state.open';
}

/** A vote's tally as horizontal bars, one per option, its count and percent at the end. */
function TallyChart({ vote }: { vote: VoteRecord }) {
  const { t } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const options = [...vote.options].reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, max: (v: { max: number }) => Math.max(1, v.max) },
      yAxis: { type: 'category', data: options.map((o) => `${o.index}. ${o.text.length > 14 ? `${o.text.slice(0, 13)}…` : o.text}`) },
      series: [
        {
          id: 'count',
          name: t('votes.chart.votes'),
          type: 'bar',
          data: options.map((o) => o.count),
          barMaxWidth: 22,
          itemStyle: { color: vote.vetoed ? '#9ca3af' : '#2563eb' },
          label: { show: true, position: 'right', formatter: (p: { dataIndex: number }) => `${options[p.dataIndex]!.count} · ${options[p.dataIndex]!.percent}%` },
        },
      ],
    };
  }, [vote, t]);
  return (
    <div className="votes__chart-wrap" style={{ height: `${Math.max(96, vote.options.length * 34 + 24)}px` }}>
      <EChart option={option} className="votes__chart" ariaLabel={t('votes.chart.aria', { question: vote.question })} testId={`vote-chart-${vote.id}`} />
    </div>
  );
}

/** One vote's ballots (unless anonymous), closing it and the veto with its reason. */
function VoteDetail({ id, onChanged }: { id: number; onChanged: () => void }) {
  const { t } = useI18n();
  const vote = useResource((signal) => fetchVote(id, signal), [id], { pollMs: REFRESH_MS });
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (vote.loading) return <LoadingState what={t('votes.what')} />;
  if (!vote.data) return <ErrorState what={t('votes.what')} error={vote.error ?? new Error('?')} onRetry={vote.reload} />;
  const v = vote.data;
  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      vote.reload();
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const veto = (e: FormEvent) => {
    e.preventDefault();
    if (!window.confirm(t('votes.vetoConfirm', { question: v.question }))) return;
    void act(() => vetoVote(id, reason)).then(() => setReason(''));
  };
  return (
    <div className="votes__detail">
      {v.ballots === null ? (
        <p className="muted">{t('votes.anonymousBallots')}</p>
      ) : v.ballots.length === 0 ? (
        <p className="muted">{t('votes.noBallots')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('votes.col.member')}</th>
                <th scope="col">{t('votes.col.option')}</th>
              </tr>
            </thead>
            <tbody>
              {v.ballots.map((b) => (
                <tr key={b.member.id}>
                  <td>{b.member.name}</td>
                  <td>
                    {b.option}. {v.options[b.option - 1]?.text ?? ''}
                    {b.changes > 0 ? <span className="muted"> {t('votes.changed')}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!v.closed ? (
        <button type="button" className="btn btn--secondary" onClick={() => void act(() => closeVote(id))}>
          {t('votes.closeNow')}
        </button>
      ) : null}
      {v.vetoed === null ? (
        <form className="votes__veto" onSubmit={veto}>
          <label className="field">
            <span className="field__label">{t('votes.field.reason')}</span>
            <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={300} />
          </label>
          <button type="submit" className="btn btn--danger" disabled={reason.trim() === ''}>
            {t('votes.veto')}
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="state--error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A group's votes: live tallies as bar charts, each one's ballots, starting one, closing and vetoing. */
export function GroupVotesCard({ groupId }: { groupId: number }) {
  const { t, fmt } = useI18n();
  const votes = useResource((signal) => fetchGroupVotes(groupId, signal), [groupId], { pollMs: REFRESH_MS });
  const [shown, setShown] = useState<number | null>(null);
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState<string[]>(['', '']);
  const [until, setUntil] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const started = await startVote({
        groupId,
        question,
        options: options.map((o) => o.trim()).filter((o) => o !== ''),
        anonymous,
        ...(until === '' ? {} : { until: new Date(until).toISOString() }),
      });
      setQuestion('');
      setOptions(['', '']);
      setUntil('');
      setAnonymous(false);
      setShown(started.id);
      votes.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const filled = options.filter((o) => o.trim() !== '').length;

  return (
    <section className="card votes" aria-labelledby="group-votes-title" data-testid="group-votes">
      <div className="card__head">
        <h2 id="group-votes-title" className="card__title">
          {t('votes.title')}
        </h2>
      </div>
      <p className="muted">{t('votes.intro')}</p>
      {votes.loading ? <LoadingState what={t('votes.what')} /> : null}
      {!votes.loading && !votes.data && votes.error ? <ErrorState what={t('votes.what')} error={votes.error} onRetry={votes.reload} /> : null}
      {votes.data && votes.data.votes.length === 0 ? <p className="muted">{t('votes.empty')}</p> : null}
      {votes.data && votes.data.votes.length > 0 ? (
        <ul className="votes__list">
          {votes.data.votes.map((v) => (
            <li key={v.id} className="votes__item" data-testid={`vote-${v.id}`}>
              <div className="votes__row">
                <div className="votes__what">
                  <strong>
                    #{v.id} {v.question}
                  </strong>
                  <span className={`chip votes__state votes__state--${v.vetoed ? 'vetoed' : v.closed ? 'closed' : 'open'}`}>{t(stateKey(v))}</span>
                  {v.anonymous ? <span className="chip">{t('votes.anonymous')}</span> : null}
                </div>
                <div className="votes__figures muted">
                  <span>{t('votes.voters', { count: fmt.number(v.voters) })}</span>
                  <span>{v.closed ? t('votes.closedAt', { time: fmt.dateTime(v.deadline) }) : t('votes.until', { time: fmt.dateTime(v.deadline) })}</span>
                </div>
                <button type="button" className="btn btn--secondary votes__toggle" aria-expanded={shown === v.id} onClick={() => setShown(shown === v.id ? null : v.id)}>
                  {shown === v.id ? t('votes.hide') : t('votes.show')}
                </button>
              </div>
              <TallyChart vote={v} />
              {v.vetoed ? <p className="votes__vetoed">{t('votes.vetoedBy', { by: v.vetoed.by, reason: v.vetoed.reason })}</p> : null}
              {shown === v.id ? <VoteDetail id={v.id} onChanged={votes.reload} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <form className="votes__form" onSubmit={submit}>
        <label className="field">
          <span className="field__label">{t('votes.field.question')}</span>
          <input className="input" value={question} onChange={(e) => setQuestion(e.target.value)} required maxLength={200} />
        </label>
        {options.map((o, i) => (
          <label className="field" key={i}>
            <span className="field__label">{t('votes.field.option', { n: String(i + 1) })}</span>
            <input className="input" value={o} onChange={(e) => setOptions(options.map((x, j) => (j === i ? e.target.value : x)))} maxLength={100} />
          </label>
        ))}
        {options.length < MAX_OPTIONS ? (
          <button type="button" className="btn btn--secondary" onClick={() => setOptions([...options, ''])}>
            {t('votes.addOption')}
          </button>
        ) : null}
        <label className="field">
          <span className="field__label">{t('votes.field.until')}</span>
          <input className="input" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
        <label className="votes__check">
          <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} /> {t('votes.field.anonymous')}
        </label>
        <button type="submit" className="btn btn--primary" disabled={busy || question.trim() === '' || filled < 2}>
          {t('votes.start')}
        </button>
      </form>
      {error ? (
        <p className="state--error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
