import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Workspace } from '../api-client.js';
import { PlatformBadge } from '../components/platform-badge.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';
import { addConnection, fetchConnections, fetchGroupStanding, fetchPlatforms, pauseConnection, removeConnection, resumeConnection } from './connections-api.js';
import type { ConnectionRecord, MissingRight } from './connections-api.js';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** One setting an operator fills in; `path` is where it goes in the settings object. */
interface SettingField {
  id: string;
  path: string[];
  kind: 'secret' | 'text' | 'url' | 'mode';
  required?: boolean;
  advanced?: boolean;
  placeholder?: string;
  initial?: string;
}

/** The settings each platform's form asks for (the server checks them with the platform's own schema). */
const FIELDS: Record<string, SettingField[]> = {
  telegram: [
    { id: 'token', path: ['token'], kind: 'secret', required: true, placeholder: '123456789:AA…' },
    { id: 'mode', path: ['mode'], kind: 'mode' },
    { id: 'webhookSecret', path: ['webhookSecret'], kind: 'secret', advanced: true },
    { id: 'apiRoot', path: ['apiRoot'], kind: 'url', advanced: true, placeholder: 'https://api.telegram.org' },
  ],
  discord: [
    { id: 'token', path: ['token'], kind: 'secret', required: true },
    { id: 'api', path: ['api'], kind: 'url', advanced: true, placeholder: 'https://discord.com/api' },
  ],
  wechat: [
    { id: 'puppet', path: ['puppet'], kind: 'text', required: true, initial: 'wechaty-puppet-service' },
    { id: 'puppetToken', path: ['puppetOptions', 'token'], kind: 'secret' },
    { id: 'botName', path: ['botName'], kind: 'text', advanced: true, placeholder: 'hearth' },
  ],
};

function settingsOf(fields: SettingField[], values: Record<string, string>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const f of fields) {
    const value = (values[f.id] ?? '').trim();
    if (!value) continue;
    let at = settings;
    for (const key of f.path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[f.path[f.path.length - 1]!] = value;
  }
  return settings;
}

const initialValues = (platform: string) => Object.fromEntries((FIELDS[platform] ?? []).filter((f) => f.initial).map((f) => [f.id, f.initial!]));

/** The form that adds a connection; the server answers what is wrong (a token Telegram refuses) and stores nothing then. */
function NewConnection({ workspace, platforms, onAdded }: { workspace: Workspace; platforms: string[]; onAdded(): void }) {
  const { t } = useI18n();
  const [platform, setPlatform] = useState(platforms[0] ?? 'telegram');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>(() => initialValues(platforms[0] ?? 'telegram'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fields = FIELDS[platform] ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    addConnection(workspace.slug, { platform, name: name.trim(), settings: settingsOf(fields, values) }).then(
      () => {
        setBusy(false);
        setName('');
        setValues(initialValues(platform));
        onAdded();
      },
      (err: unknown) => {
        setBusy(false);
        setError(errorText(err));
      },
    );
  };
  const input = (f: SettingField) => {
    const label = t(`connections.field.${f.id}` as MessageKey);
    const set = (v: string) => setValues((old) => ({ ...old, [f.id]: v }));
    return (
      <div className="field" key={f.id}>
        <label className="field__label" htmlFor={`connection-field-${f.id}`}>
          {label}
        </label>
        {f.kind === 'mode' ? (
          <select id={`connection-field-${f.id}`} className="input" value={values[f.id] ?? ''} onChange={(e) => set(e.target.value)} data-testid={`connection-${f.id}`}>
            <option value="">{t('connections.mode.auto')}</option>
            <option value="polling">{t('connections.mode.polling')}</option>
            <option value="webhook">{t('connections.mode.webhook')}</option>
          </select>
        ) : (
          <input
            id={`connection-field-${f.id}`}
            className="input"
            type={f.kind === 'secret' ? 'password' : f.kind === 'url' ? 'url' : 'text'}
            autoComplete="off"
            required={f.required}
            value={values[f.id] ?? ''}
            placeholder={f.placeholder}
            onChange={(e) => set(e.target.value)}
            data-testid={`connection-${f.id}`}
          />
        )}
      </div>
    );
  };
  return (
    <form className="card connections__form" onSubmit={submit} data-testid="connection-form">
      <h2 className="card__title">{t('connections.add')}</h2>
      <div className="connections__row">
        <label className="field">
          <span className="field__label">{t('connections.platform')}</span>
          <select
            className="input"
            value={platform}
            onChange={(e) => {
              setPlatform(e.target.value);
              setValues(initialValues(e.target.value));
              setError(null);
            }}
            data-testid="connection-platform"
          >
            {platforms.map((p) => (
              <option key={p} value={p}>
                {t(`platform.${p}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('connections.name')}</span>
          <input className="input" required pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,62}" value={name} onChange={(e) => setName(e.target.value)} placeholder="main-bot" data-testid="connection-name" />
        </label>
      </div>
      {fields.filter((f) => !f.advanced).map(input)}
      <p className="muted">{t(`connections.help.${platform}` as MessageKey)}</p>
      {fields.some((f) => f.advanced) && (
        <details className="connections__advanced">
          <summary data-testid="connection-advanced">{t('connections.advanced')}</summary>
          {fields.filter((f) => f.advanced).map(input)}
        </details>
      )}
      <button type="submit" className="btn btn--primary" disabled={busy} data-testid="connection-create">
        {busy ? t('connections.checking') : t('connections.create')}
      </button>
      {error && (
        <div className="state--error" role="alert" data-testid="connection-form-error">
          {error}
        </div>
      )}
    </form>
  );
}

function RightsList({ rights, label }: { rights: MissingRight[]; label: string }) {
  const { t } = useI18n();
  if (rights.length === 0) return null;
  return (
    <div>
      <span className="muted">{label}</span>
      <ul className="connections__rights">
        {rights.map((r) => (
          <li key={`${r.capability}-${r.right}`}>
            {t(`capability.${r.capability}` as MessageKey)}: {t(`connections.right.${r.right}` as MessageKey)}
            {r.administrator && ` (${t('connections.right.asAdministrator')})`}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The bot's rights in each of the connection's groups, asked of the platform when the operator opens it. */
function GroupRights({ connection }: { connection: ConnectionRecord }) {
  const { t } = useI18n();
  const standing = useResource((signal) => fetchGroupStanding(connection.id, signal), [connection.id]);
  if (!standing.data) return standing.error ? <ErrorState what={t('connections.rightsWhat')} error={standing.error} onRetry={standing.reload} /> : <LoadingState what={t('connections.rightsWhat')} />;
  return (
    <ul className="connections__groups" data-testid="connection-rights">
      {standing.data.groups.map((g) => (
        <li key={g.id} className="connections__group" data-testid="connection-group-rights" data-missing={g.missing.length}>
          <strong>{g.name}</strong> <span className="chip">{g.role}</span>
          {g.error && <div className="state--error">{g.error}</div>}
          {!g.error && g.missing.length === 0 && <div className="muted">{t('connections.rightsOk')}</div>}
          <RightsList rights={g.missing} label={t('connections.missingInUse')} />
          <RightsList rights={g.lacking} label={t('connections.lackingUnused')} />
        </li>
      ))}
    </ul>
  );
}

const STATE_CHIP: Record<ConnectionRecord['health']['state'], string> = {
  running: 'connections__state--running',
  connecting: 'connections__state--connecting',
  failing: 'connections__state--failing',
  paused: 'connections__state--paused',
};

function ConnectionCard({ connection, onChanged }: { connection: ConnectionRecord; onChanged(): void }) {
  const { t, fmt } = useI18n();
  const [rightsOpen, setRightsOpen] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = (run: () => Promise<{ warning?: string | undefined } | object>) => {
    setError(null);
    setNote(null);
    run().then(
      (answer) => {
        if ('warning' in answer && answer.warning) setNote(answer.warning);
        onChanged();
      },
      (e: unknown) => setError(errorText(e)),
    );
  };
  const { health } = connection;
  return (
    <li className="card connections__item" data-testid="connection" data-name={connection.name} data-state={health.state}>
      <div className="connections__head">
        <div className="connections__what">
          <strong className="connections__name">{connection.name}</strong> <PlatformBadge platform={connection.platform} />
          <div className="muted">
            {health.lastEventAt ? t('connections.lastEvent', { at: fmt.dateTime(health.lastEventAt) }) : t('connections.noEvents')}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('connections.addedAt', { at: fmt.dateTime(connection.createdAt) })}
          </div>
        </div>
        <span className={`chip ${STATE_CHIP[health.state]}`} data-testid="connection-state">
          {t(`connections.state.${health.state}` as MessageKey)}
        </span>
      </div>
      {health.lastError && (
        <p className="state--error connections__note" role="alert" data-testid="connection-last-error">
          {health.lastError}
          {health.retryAt && <span className="muted"> {t('connections.retryAt', { at: fmt.dateTime(health.retryAt) })}</span>}
        </p>
      )}
      {connection.login && (
        <figure className="connections__qr" data-testid="connection-login-qr">
          <img src={connection.login.qrImage} width={240} height={240} alt={t('connections.scanAlt', { name: connection.name })} />
          <figcaption>{t('connections.scan')}</figcaption>
        </figure>
      )}
      <div className="muted" data-testid="connection-groups">
        {connection.groups.length === 0 ? t('connections.noGroups') : t('connections.groups', { count: connection.groups.length, names: connection.groups.map((g) => g.name).join(', ') })}
      </div>
      <div className="connections__actions">
        {connection.groups.length > 0 && (
          <button type="button" className="btn btn--secondary" aria-expanded={rightsOpen} onClick={() => setRightsOpen((o) => !o)} data-testid="connection-rights-toggle">
            {t(rightsOpen ? 'connections.hideRights' : 'connections.showRights')}
          </button>
        )}
        {connection.status === 'active' ? (
          <button type="button" className="btn btn--secondary" onClick={() => act(() => pauseConnection(connection.id))} data-testid="connection-pause">
            {t('connections.pause')}
          </button>
        ) : (
          <button type="button" className="btn btn--secondary" onClick={() => act(() => resumeConnection(connection.id))} data-testid="connection-resume">
            {t('connections.resume')}
          </button>
        )}
        <button
          type="button"
          className="btn btn--secondary"
          onClick={() => window.confirm(t('connections.confirmRemove', { name: connection.name })) && act(() => removeConnection(connection.id))}
          data-testid="connection-remove"
        >
          {t('connections.remove')}
        </button>
      </div>
      {note && (
        <p className="muted" role="status">
          {note}
        </p>
      )}
      {error && (
        <div className="state--error" role="alert">
          {error}
        </div>
      )}
      {rightsOpen && <GroupRights connection={connection} />}
    </li>
  );
}

/**
 * Connections: the workspace's Telegram bots, Discord bots and WeChat/WeCom accounts.
 * Adding one checks it with its platform before anything is saved; each shows its
 * state, last event, last error and groups, a WeChat account its login QR code until
 * it is scanned (the list refreshes itself), and the bot's rights in each group.
 */
export function ConnectionsPage({ workspace, canConfigure }: { workspace: Workspace; canConfigure: boolean }) {
  const { t } = useI18n();
  useDocumentTitle(t('connections.title'));
  const list = useResource((signal) => (canConfigure ? fetchConnections(workspace.slug, signal) : Promise.resolve(null)), [workspace.slug, canConfigure], { pollMs: 5_000 });
  const platforms = useResource((signal) => fetchPlatforms(signal), []);
  const connectable = platforms.data?.platforms.filter((p) => p.connectable && FIELDS[p.platform]).map((p) => p.platform) ?? [];
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('connections.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('connections.intro')}
          </p>
        </div>
      </header>
      {!canConfigure && <p className="state">{t('connections.needsConfigure')}</p>}
      {canConfigure && connectable.length > 0 && <NewConnection workspace={workspace} platforms={connectable} onAdded={list.reload} />}
      {canConfigure && !list.data && list.loading && <LoadingState what={t('connections.title')} />}
      {canConfigure && !list.data && list.error && <ErrorState what={t('connections.title')} error={list.error} onRetry={list.reload} />}
      {list.data &&
        (list.data.connections.length === 0 ? (
          <p className="table-empty" data-testid="connections-empty">
            {t('connections.none')}
          </p>
        ) : (
          <ul className="connections__list">
            {list.data.connections.map((c) => (
              <ConnectionCard key={c.id} connection={c} onChanged={list.reload} />
            ))}
          </ul>
        ))}
    </div>
  );
}
