import { Fragment, useState } from 'react';
import { addAutomation, changeAutomation, fetchAutomationProblems, fetchAutomations, fetchGroups, removeAutomation } from '../api-client.js';
import type { Automation, GroupListItem, RuleProblem, Workspace } from '../api-client.js';
import { keywordReplyConfigOf, welcomeConfigOf } from '../automation-config.js';
import type { WelcomeConfig } from '../automation-config.js';
import { ChangeError, KeywordForm, RemoveButton, Switch, useChange, WelcomeForm } from '../components/automation-forms.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { ruleProblemDetailText, ruleProblemReasonText } from '../rule-problem-text.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

/** What every section needs: where it is, whether it may change anything, and how to refresh. */
interface SectionProps {
  workspace: Workspace;
  readOnly: boolean;
  reload(): void;
  groups: GroupListItem[];
  nameOf(groupId: number): string;
  sampleGroup: string;
}

/** The workspace-wide welcome: switch, form and preview. Saving changes it, or creates it if there is none. */
function WelcomeSection({ welcomes, ...props }: SectionProps & { welcomes: Automation[] }) {
  const { t } = useI18n();
  const { workspace, readOnly, reload, sampleGroup } = props;
  const toggle = useChange();
  const main = welcomes[0];
  const extra = welcomes.length - 1;
  return (
    <section className="card" aria-labelledby="welcome-title" data-testid="welcome-section">
      <div className="card__head">
        <div>
          <h2 id="welcome-title" className="card__title">
            {t('welcome.title')}
          </h2>
          <p className="card__sub">{t('welcome.scope')}</p>
        </div>
        {main && (
          <Switch
            checked={main.enabled}
            disabled={readOnly || toggle.busy}
            label={t('automations.switch', { what: t('welcome.title') })}
            onChange={(enabled) =>
              void toggle.run(async () => {
                await changeAutomation(main.id, { enabled });
                reload();
              })
            }
            testId="welcome-enabled"
          />
        )}
      </div>
      {!main && <p className="banner banner--info">{t('welcome.none')}</p>}
      {extra > 0 && <p className="banner banner--warn">{t('welcome.extra', { count: extra })}</p>}
      <ChangeError message={toggle.error} />
      <WelcomeForm
        initial={welcomeConfigOf(main?.config)}
        testIdPrefix="welcome"
        sampleGroup={sampleGroup}
        disabled={readOnly}
        isNew={!main}
        onSave={async (config) => {
          if (main) await changeAutomation(main.id, { config });
          else await addAutomation({ workspace: workspace.slug, kind: 'welcome', config });
          reload();
        }}
      />
    </section>
  );
}

/** Groups with their own welcome: listed, switched on or off, edited, removed, added. */
function OverridesSection({ overrides, workspaceWelcome, ...props }: SectionProps & { overrides: Automation[]; workspaceWelcome: WelcomeConfig }) {
  const { t } = useI18n();
  const { workspace, readOnly, reload, groups, nameOf, sampleGroup } = props;
  const [editing, setEditing] = useState<number | 'add' | null>(null);
  const [newGroup, setNewGroup] = useState('');
  const row = useChange();
  const taken = new Set(overrides.map((o) => o.groupId));
  const free = groups.filter((g) => !taken.has(g.id));
  const chosen = free.find((g) => String(g.id) === newGroup);

  return (
    <section className="card" aria-labelledby="overrides-title" data-testid="overrides-section">
      <div className="card__head">
        <div>
          <h2 id="overrides-title" className="card__title">
            {t('overrides.title')}
            <span className="card__count">{overrides.length}</span>
          </h2>
          <p className="card__sub">{t('overrides.intro')}</p>
        </div>
        <button
          type="button"
          className="btn btn--secondary"
          disabled={readOnly || free.length === 0 || editing === 'add'}
          title={free.length === 0 ? t('overrides.allTaken') : undefined}
          onClick={() => {
            setNewGroup('');
            setEditing('add');
          }}
          data-testid="override-add"
        >
          + {t('overrides.add')}
        </button>
      </div>
      <ChangeError message={row.error} />
      {overrides.length === 0 ? (
        editing !== 'add' && <p className="empty-note">{t('overrides.empty')}</p>
      ) : (
        <div className="rules-wrap">
          <table className="table rules-table" data-testid="override-table">
            <thead>
              <tr>
                <th scope="col">{t('overrides.col.group')}</th>
                <th scope="col">{t('overrides.col.message')}</th>
                <th scope="col">{t('overrides.col.enabled')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('overrides.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {overrides.map((o) => {
                const config = welcomeConfigOf(o.config);
                const name = nameOf(o.groupId!);
                return (
                  <Fragment key={o.id}>
                    <tr data-testid="override-row" data-group-id={o.groupId} className={o.enabled ? undefined : 'is-off'}>
                      <th scope="row" className="rules-table__name">
                        <Link to={`/groups/${o.groupId}`}>{name}</Link>
                      </th>
                      <td className="rules-table__text">{config.template}</td>
                      <td>
                        <Switch
                          checked={o.enabled}
                          disabled={readOnly || row.busy}
                          label={t('automations.switch', { what: t('overrides.editing', { group: name }) })}
                          onChange={(enabled) =>
                            void row.run(async () => {
                              await changeAutomation(o.id, { enabled });
                              reload();
                            })
                          }
                          testId="override-toggle"
                        />
                      </td>
                      <td className="rules-table__actions">
                        <button type="button" className="btn btn--small btn--secondary" disabled={readOnly || editing === o.id} onClick={() => setEditing(o.id)} data-testid="override-edit">
                          {t('automations.edit')}
                        </button>
                        <RemoveButton
                          disabled={readOnly || row.busy}
                          onRemove={() =>
                            void row.run(async () => {
                              await removeAutomation(o.id);
                              if (editing === o.id) setEditing(null);
                              reload();
                            })
                          }
                          testId="override-remove"
                        />
                      </td>
                    </tr>
                    {editing === o.id && (
                      <tr className="editor-row">
                        <td colSpan={4}>
                          <h3 className="rule-form__title">{t('overrides.editing', { group: name })}</h3>
                          <WelcomeForm
                            initial={config}
                            testIdPrefix="override"
                            sampleGroup={name}
                            disabled={readOnly}
                            onSave={async (next) => {
                              await changeAutomation(o.id, { config: next });
                              setEditing(null);
                              reload();
                            }}
                            onCancel={() => setEditing(null)}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {editing === 'add' && (
        <div className="editor">
          <h3 className="rule-form__title">{t('overrides.adding')}</h3>
          <WelcomeForm
            initial={workspaceWelcome}
            testIdPrefix="override"
            sampleGroup={chosen?.name ?? sampleGroup}
            disabled={readOnly}
            isNew
            ready={chosen !== undefined}
            onSave={async (config) => {
              if (!chosen) return;
              await addAutomation({ workspace: workspace.slug, groupId: chosen.id, kind: 'welcome', config });
              setEditing(null);
              reload();
            }}
            onCancel={() => setEditing(null)}
          >
            <label className="field">
              <span className="field__label">{t('overrides.group')}</span>
              <select className="input select" value={newGroup} disabled={readOnly} onChange={(e) => setNewGroup(e.target.value)} data-testid="override-group">
                <option value="">{t('overrides.choose')}</option>
                {free.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </label>
          </WelcomeForm>
        </div>
      )}
    </section>
  );
}

/** The keyword replies as a table: keywords, reply, where it applies, quote, on/off, edit, remove; and a form to add one. */
function KeywordSection({ rules, ...props }: SectionProps & { rules: Automation[] }) {
  const { t } = useI18n();
  const { workspace, readOnly, reload, groups, nameOf, sampleGroup } = props;
  const [editing, setEditing] = useState<number | 'add' | null>(null);
  const row = useChange();

  return (
    <section className="card" aria-labelledby="keywords-title" data-testid="keyword-section">
      <div className="card__head">
        <div>
          <h2 id="keywords-title" className="card__title">
            {t('keywords.title')}
            <span className="card__count">{rules.length}</span>
          </h2>
          <p className="card__sub">{t('keywords.intro')}</p>
        </div>
        <button type="button" className="btn btn--secondary" disabled={readOnly || editing === 'add'} onClick={() => setEditing('add')} data-testid="keyword-add">
          + {t('keywords.add')}
        </button>
      </div>
      <ChangeError message={row.error} />
      {rules.length === 0 ? (
        editing !== 'add' && <p className="empty-note">{t('keywords.empty')}</p>
      ) : (
        <div className="rules-wrap">
          <table className="table rules-table" data-testid="keyword-table">
            <thead>
              <tr>
                <th scope="col">{t('keywords.col.keywords')}</th>
                <th scope="col">{t('keywords.col.reply')}</th>
                <th scope="col">{t('keywords.col.scope')}</th>
                <th scope="col">{t('keywords.col.quote')}</th>
                <th scope="col">{t('keywords.col.enabled')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('keywords.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => {
                const config = keywordReplyConfigOf(r.config);
                const scope = r.groupId === null ? t('keywords.allGroups') : nameOf(r.groupId);
                return (
                  <Fragment key={r.id}>
                    <tr data-testid="keyword-row" data-automation-id={r.id} data-enabled={r.enabled} className={r.enabled ? undefined : 'is-off'}>
                      <td className="rules-table__keywords">
                        {config.keywords.map((k, i) => (
                          <span key={i} className="chip">
                            {k}
                          </span>
                        ))}
                      </td>
                      <td className="rules-table__text">{config.reply}</td>
                      <td>{r.groupId === null ? <span className="muted">{scope}</span> : <Link to={`/groups/${r.groupId}`}>{scope}</Link>}</td>
                      <td>{config.quote ? t('keywords.yes') : t('keywords.no')}</td>
                      <td>
                        <Switch
                          checked={r.enabled}
                          disabled={readOnly || row.busy}
                          label={t('automations.switch', { what: config.keywords.join(', ') })}
                          onChange={(enabled) =>
                            void row.run(async () => {
                              await changeAutomation(r.id, { enabled });
                              reload();
                            })
                          }
                          testId="keyword-toggle"
                        />
                      </td>
                      <td className="rules-table__actions">
                        <button type="button" className="btn btn--small btn--secondary" disabled={readOnly || editing === r.id} onClick={() => setEditing(r.id)} data-testid="keyword-edit">
                          {t('automations.edit')}
                        </button>
                        <RemoveButton
                          disabled={readOnly || row.busy}
                          onRemove={() =>
                            void row.run(async () => {
                              await removeAutomation(r.id);
                              if (editing === r.id) setEditing(null);
                              reload();
                            })
                          }
                          testId="keyword-remove"
                        />
                      </td>
                    </tr>
                    {editing === r.id && (
                      <tr className="editor-row">
                        <td colSpan={6}>
                          <KeywordForm
                            initial={config}
                            title={t('keywords.editing')}
                            sampleGroup={r.groupId === null ? sampleGroup : scope}
                            disabled={readOnly}
                            onSave={async (next) => {
                              await changeAutomation(r.id, { config: next });
                              setEditing(null);
                              reload();
                            }}
                            onCancel={() => setEditing(null)}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {editing === 'add' && (
        <div className="editor">
          <KeywordForm
            initial={{ keywords: [], reply: '', quote: true }}
            title={t('keywords.adding')}
            scope={{ groups }}
            sampleGroup={sampleGroup}
            disabled={readOnly}
            isNew
            onSave={async (config, groupId) => {
              await addAutomation({ workspace: workspace.slug, kind: 'keyword-reply', config, ...(groupId !== null ? { groupId } : {}) });
              setEditing(null);
              reload();
            }}
            onCancel={() => setEditing(null)}
          />
        </div>
      )}
    </section>
  );
}

const KIND_LABELS: Record<string, MessageKey> = { welcome: 'problems.kind.welcome', 'keyword-reply': 'problems.kind.keyword-reply' };

/**
 * What went wrong in the rules: an action not sent (with why) or a fallback planned
 * instead, each counted, with the group and event it last happened on. Shown only
 * when there is something to tell.
 */
function ProblemsSection({ problems, nameOf }: { problems: RuleProblem[]; nameOf(groupId: number): string }) {
  const { t, fmt } = useI18n();
  const kindLabel = (kind: string) => (Object.hasOwn(KIND_LABELS, kind) ? t(KIND_LABELS[kind]!) : kind);
  return (
    <section className="card" aria-labelledby="problems-title" data-testid="problems-section">
      <div className="card__head">
        <div>
          <h2 id="problems-title" className="card__title">
            {t('problems.title')}
            <span className="card__count">{problems.length}</span>
          </h2>
          <p className="card__sub">{t('problems.intro')}</p>
        </div>
      </div>
      <div className="rules-wrap">
        <table className="table rules-table" data-testid="problem-table">
          <thead>
            <tr>
              <th scope="col">{t('problems.col.rule')}</th>
              <th scope="col">{t('problems.col.what')}</th>
              <th scope="col">{t('problems.col.reason')}</th>
              <th scope="col">{t('problems.col.count')}</th>
              <th scope="col">{t('problems.col.last')}</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p) => (
              <tr key={p.id} data-testid="problem-row" data-automation-id={p.automationId}>
                <th scope="row" className="rules-table__name">
                  {kindLabel(p.kind)} #{p.automationId}
                  {!p.automationExists && ` (${t('problems.removed')})`}
                </th>
                <td>
                  <span className={p.problem === 'invalid' ? 'badge badge--warn' : 'badge'}>{t(p.problem === 'invalid' ? 'problems.invalid' : 'problems.fallback')}</span>
                </td>
                <td className="rules-table__text">
                  {ruleProblemReasonText(t, p.reason)}
                  {p.detail && ` (${ruleProblemDetailText(t, p.detail)})`}
                </td>
                <td>{p.count}</td>
                <td>
                  {fmt.dateTime(p.lastSeenAt)}
                  <br />
                  <small>{t('problems.lastIn', { group: nameOf(p.lastGroupId), event: p.lastEventKey })}</small>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * The workspace's automations: the welcome message (with a live preview), the groups
 * that have their own, and the keyword replies. Callers without the configure
 * permission see everything with the controls switched off.
 */
export function AutomationsPage({ workspace, canConfigure, role }: { workspace: Workspace; canConfigure: boolean; role: string | null }) {
  const { t } = useI18n();
  useDocumentTitle(t('automations.title'));
  const automations = useResource((signal) => fetchAutomations(workspace.slug, signal), [workspace.slug]);
  const problems = useResource((signal) => fetchAutomationProblems(workspace.slug, signal), [workspace.slug]);
  const groupsResource = useResource((signal) => fetchGroups(workspace.slug, signal), [workspace.slug]);
  const list = automations.data?.automations;
  const groups = groupsResource.data?.groups ?? [];
  const nameOf = (id: number) => groups.find((g) => g.id === id)?.name ?? t('automations.groupFallback', { id });

  const props: SectionProps = {
    workspace,
    readOnly: !canConfigure,
    reload: automations.reload,
    groups,
    nameOf,
    sampleGroup: groups[0]?.name ?? t('welcome.sampleGroup'),
  };
  const welcomes = list?.filter((a) => a.kind === 'welcome' && a.groupId === null) ?? [];

  return (
    <div className="page" data-testid="automations-page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('automations.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('automations.intro')}
          </p>
        </div>
      </header>
      {!canConfigure && (
        <p className="banner banner--info" data-testid="automations-readonly">
          {t('automations.readOnly', { role: role ?? '—' })}
        </p>
      )}
      {!list && automations.loading && <LoadingState what={t('what.automations')} />}
      {!list && automations.error && <ErrorState what={t('what.automations')} error={automations.error} onRetry={automations.reload} />}
      {list && (
        <>
          {automations.error && <RefreshErrorBanner error={automations.error} />}
          {problems.data && problems.data.problems.length > 0 && <ProblemsSection problems={problems.data.problems} nameOf={nameOf} />}
          <WelcomeSection {...props} welcomes={welcomes} />
          <OverridesSection {...props} overrides={list.filter((a) => a.kind === 'welcome' && a.groupId !== null)} workspaceWelcome={welcomeConfigOf(welcomes[0]?.config)} />
          <KeywordSection {...props} rules={list.filter((a) => a.kind === 'keyword-reply')} />
        </>
      )}
    </div>
  );
}
