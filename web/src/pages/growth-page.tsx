import { fetchGrowthCodes } from '../api-client.js';
import type { GrowthCode, Workspace } from '../api-client.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

const REFRESH_MS = 60_000;

type Warning = GrowthCode['warnings'][number];

function WarningLine({ warning, code }: { warning: Warning; code: GrowthCode }) {
  const { t, fmt } = useI18n();
  const group = 'groupId' in warning ? (code.groups.find((g) => g.id === warning.groupId)?.name ?? `#${warning.groupId}`) : '';
  const text =
    warning.kind === 'create_next_group'
      ? t('growth.warn.createNext', { group, members: warning.members, capacity: warning.capacity })
      : warning.kind === 'series_full'
        ? t('growth.warn.seriesFull', { capacity: warning.capacity })
        : warning.kind === 'qr_missing'
          ? t('growth.warn.qrMissing', { group })
          : warning.kind === 'qr_expiring'
            ? t('growth.warn.qrExpiring', { group, time: fmt.dateTime(new Date(warning.expiresAt).toISOString()) })
            : t('growth.warn.qrExpired', { group, time: fmt.dateTime(new Date(warning.expiredAt).toISOString()) });
  return (
    <li className="growth__warning" data-testid="growth-warning" data-kind={warning.kind}>
      {text}
    </li>
  );
}

function Fill({ members, capacity }: { members: number; capacity: number }) {
  const share = Math.min(1, members / Math.max(1, capacity));
  return (
    <span className="growth__fill" aria-hidden="true">
      <span className={share >= 1 ? 'growth__fill-bar is-full' : share >= 0.8 ? 'growth__fill-bar is-near' : 'growth__fill-bar'} style={{ width: `${Math.round(share * 100)}%` }} />
    </span>
  );
}

function CodeCard({ code }: { code: GrowthCode }) {
  const { t, fmt } = useI18n();
  const status = code.closed ? t(`growth.closed.${code.closed}` as MessageKey) : null;
  return (
    <section className="card growth__card" data-testid="growth-code" data-code={code.code} data-kind={code.kind}>
      <header className="growth__head">
        <div>
          <h2 className="growth__name">{code.name}</h2>
          <div className="muted">
            <span className="chip">{t(code.kind === 'live' ? 'growth.kind.live' : 'growth.kind.invite')}</span> <code>/j/{code.code}</code>
            {code.channel && <span className="chip">{t(`growth.channel.${code.channel}` as MessageKey)}</span>}
            {code.campaign && <span className="chip">{code.campaign}</span>}
            {status && <span className="badge badge--warn">{status}</span>}
          </div>
        </div>
        <dl className="growth__figures">
          <div>
            <dt>{t('growth.scans')}</dt>
            <dd data-testid="growth-scans">{fmt.number(code.scans)}</dd>
          </div>
          <div>
            <dt>{t('growth.joins')}</dt>
            <dd data-testid="growth-joins">{fmt.number(code.joins)}</dd>
          </div>
          <div>
            <dt>{t('growth.conversion')}</dt>
            <dd>{code.scans > 0 ? fmt.percent(code.joins / code.scans) : '—'}</dd>
          </div>
          {code.quantity !== null && (
            <div>
              <dt>{t('growth.remaining')}</dt>
              <dd>
                {fmt.number(code.remaining ?? 0)} / {fmt.number(code.quantity)}
              </dd>
            </div>
          )}
        </dl>
      </header>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('growth.col.group')}</th>
              <th scope="col">{t('growth.col.members')}</th>
              <th scope="col">{t('growth.col.joins')}</th>
            </tr>
          </thead>
          <tbody>
            {code.groups.map((g) => (
              <tr key={g.id} data-testid="growth-group" data-current={g.id === code.current.id ? 'true' : 'false'}>
                <td>
                  <Link to={`/groups/${g.id}`}>{g.name}</Link> {g.id === code.current.id && <span className="badge">{t('growth.current')}</span>}
                </td>
                <td>
                  {g.capacity !== null ? (
                    <>
                      <Fill members={g.members} capacity={g.capacity} /> {fmt.number(g.members)} / {fmt.number(g.capacity)}
                    </>
                  ) : (
                    fmt.number(g.members)
                  )}
                </td>
                <td>{fmt.number(g.joins)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {code.warnings.length > 0 && (
        <ul className="growth__warnings">
          {code.warnings.map((w) => (
            <WarningLine key={`${w.kind}:${'groupId' in w ? w.groupId : ''}`} warning={w} code={code} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Invitation codes and live codes: scans, joins and each group's fill, with what the operator should do next. */
export function GrowthPage({ workspace }: { workspace: Workspace }) {
  const { t } = useI18n();
  useDocumentTitle(t('growth.title'));
  const list = useResource((signal) => fetchGrowthCodes(workspace.slug, signal), [workspace.slug], { pollMs: REFRESH_MS });
  const codes = list.data?.codes;
  const live = codes?.filter((c) => c.kind === 'live') ?? [];
  const invites = codes?.filter((c) => c.kind === 'invite') ?? [];
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('growth.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('growth.intro')}
          </p>
        </div>
      </header>
      {!codes && list.loading && <LoadingState what={t('what.growth')} />}
      {!codes && list.error && <ErrorState what={t('what.growth')} error={list.error} onRetry={list.reload} />}
      {codes && (
        <>
          {list.error && <RefreshErrorBanner error={list.error} />}
          {codes.length === 0 && <div className="table-empty">{t('growth.empty')}</div>}
          {live.length > 0 && <h2 className="growth__section">{t('growth.liveCodes')}</h2>}
          {live.map((c) => (
            <CodeCard key={c.id} code={c} />
          ))}
          {invites.length > 0 && <h2 className="growth__section">{t('growth.inviteCodes')}</h2>}
          {invites.map((c) => (
            <CodeCard key={c.id} code={c} />
          ))}
        </>
      )}
    </div>
  );
}
