import { useState } from 'react';
import { fetchGroupLayers } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import { useResource } from '../use-resource.js';
import { MEMBER_LAYERS, type GroupLayersRecord, type MemberLayer } from './layers-api.js';

const REFRESH_MS = 5 * 60_000;

/** Counts per layer (each a button showing its members; the first layer with members is shown first), the chosen layer's members and the opinion-leader candidates. */
export function LayersView({ data }: { data: GroupLayersRecord }) {
  const { t, fmt } = useI18n();
  const [chosen, choose] = useState<MemberLayer>(() => MEMBER_LAYERS.find((l) => data.counts[l] > 0) ?? 'core');
  const members = data.members[chosen];
  return (
    <>
      <p className="muted">{t('layers.asOf', { day: fmt.dayLong(data.asOf) })}</p>
      <div className="layers__counts">
        {MEMBER_LAYERS.map((l) => (
          <button key={l} type="button" className={`layers__count layers__count--${l}`} aria-pressed={chosen === l} onClick={() => choose(l)} data-testid={`layer-${l}`}>
            <span className="layers__count-value">{fmt.number(data.counts[l])}</span>
            <span className="layers__count-label">{t(`layers.layer.${l}`)}</span>
          </button>
        ))}
      </div>
      <p className="muted layers__why">{t(`layers.why.${chosen}`)}</p>
      {members.length === 0 ? (
        <p className="muted">{t('layers.none')}</p>
      ) : (
        <ul className="layers__members" aria-label={t(`layers.layer.${chosen}`)}>
          {members.map((m) => (
            <li key={m.memberId} className="layers__member">
              <span className="layers__name">{m.displayName}</span>
              <span className="muted layers__figures">
                {t('layers.memberFigures', { messages: fmt.number(m.messages28), days: fmt.number(m.activeDays28), replies: fmt.number(m.repliesReceived28) })}
              </span>
            </li>
          ))}
          {data.counts[chosen] > members.length && <li className="muted">{t('layers.more', { count: fmt.number(data.counts[chosen] - members.length) })}</li>}
        </ul>
      )}
      <h3 className="layers__subtitle">{t('layers.candidates')}</h3>
      <p className="muted layers__why">{t('layers.candidatesWhy')}</p>
      {data.candidates.length === 0 ? (
        <p className="muted">{t('layers.noCandidates')}</p>
      ) : (
        <ol className="layers__candidates" data-testid="layer-candidates">
          {data.candidates.map((c) => (
            <li key={c.memberId} className="layers__candidate">
              <span className="layers__name">{c.displayName}</span>
              <span className="health__bar" aria-hidden="true">
                <span className="health__bar-fill" style={{ width: `${c.score}%` }} />
              </span>
              <span className="muted layers__figures">{t('layers.candidateFigures', { by: fmt.number(c.answeredBy), answered: fmt.number(c.answered) })}</span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

/** The group page's member-layers card: loads GET /api/groups/:id/layers. */
export function GroupLayersCard({ groupId }: { groupId: number }) {
  const { t } = useI18n();
  const res = useResource((signal) => fetchGroupLayers(groupId, signal), [groupId], { pollMs: REFRESH_MS });
  return (
    <section className="card layers" aria-labelledby="group-layers-title">
      <div className="card__head">
        <h2 id="group-layers-title" className="card__title">
          {t('layers.title')}
        </h2>
      </div>
      {!res.data && res.loading && <LoadingState what={t('layers.what')} />}
      {!res.data && res.error && <ErrorState what={t('layers.what')} error={res.error} onRetry={res.reload} />}
      {res.data && <LayersView data={res.data} />}
    </section>
  );
}
