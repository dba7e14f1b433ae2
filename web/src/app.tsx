import { useCallback, useEffect, useState } from 'react';
import { ApiError, fetchSession, fetchWorkspaces, signOut, UNAUTHORIZED_EVENT } from './api-client.js';
import type { SessionInfo, Workspace } from './api-client.js';
import { ErrorState, LoadingState } from './components/status-views.js';
import { LOCALES, useI18n } from './i18n.js';
import type { Locale } from './i18n.js';
import { AuditPage } from './pages/audit-page.js';
import { AutomationsPage } from './pages/automations-page.js';
import { GroupPage } from './pages/group-page.js';
import { GrowthPage } from './pages/growth-page.js';
import { PostersPage } from './posters/posters-page.js';
import { CampaignsPage } from './pages/campaigns-page.js';
import { ConversionsPage } from './conversions/conversions-page.js';
import { PointsPage } from './points/points-page.js';
import { DrawsPage } from './draws/draws-page.js';
import { ModerationPage } from './pages/moderation-page.js';
import { OutboxPage } from './pages/outbox-page.js';
import { AlertsPage } from './pages/alerts-page.js';
import { BroadcastsPage } from './pages/broadcasts-page.js';
import { MemberPage } from './pages/member-page.js';
import { MembersPage } from './pages/members-page.js';
import { WebhooksPage } from './webhooks/webhooks-page.js';
import { ConnectionsPage } from './connections/connections-page.js';
import { InvitePage } from './team/invite-page.js';
import { TeamPage } from './team/team-page.js';
import { TokensPage } from './team/tokens-page.js';
import { ImportPage } from './pages/import-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SandboxPage } from './pages/sandbox-page.js';
import { SignedOutPage } from './pages/setup-page.js';
import { Link, navigate, useLocation } from './router.js';
import type { Route } from './router.js';
import { useDocumentTitle } from './use-document-title.js';
import { useResource } from './use-resource.js';
import type { Resource } from './use-resource.js';

function Logo() {
  return (
    <svg className="brand__logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="#334155" />
      <path d="M16 5c1.2 4.2 6.5 6.7 6.5 12.6A6.5 6.5 0 0 1 16 24a6.5 6.5 0 0 1-6.5-6.4c0-2.7 1.3-4.4 2.8-5.8.2 2 1.1 3.3 2.4 3.9C14.3 11.8 15.2 8.4 16 5z" fill="#f97316" />
      <path d="M16 15.5c.6 2 3 3 3 5.4A3 3 0 0 1 16 24a3 3 0 0 1-3-3.1c0-1.9 1.9-3 3-5.4z" fill="#fde68a" />
      <rect x="8" y="25" width="16" height="2.2" rx="1.1" fill="#94a3b8" />
    </svg>
  );
}

function NotFound({ path }: { path: string }) {
  const { t } = useI18n();
  useDocumentTitle(t('notFound.title'));
  return (
    <div className="page">
      <div className="state">
        <div className="state__title">{t('notFound.title')}</div>
        <p>{t('notFound.body', { path })}</p>
        <Link to="/" className="btn btn--secondary">
          {t('notFound.back')}
        </Link>
      </div>
    </div>
  );
}

function InvalidGroup({ raw }: { raw: string }) {
  const { t } = useI18n();
  useDocumentTitle(t('what.group'));
  return (
    <div className="page">
      <div className="state state--error" role="alert">
        <div className="state__title">{t('group.invalidId', { id: raw })}</div>
        <Link to="/" className="btn btn--secondary">
          {t('notFound.back')}
        </Link>
      </div>
    </div>
  );
}

type SessionState = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; session: SessionInfo } | { status: 'error'; error: Error };

/**
 * Who is signed in: asked once at start, then kept in step with the server. Any 401
 * (the session expired, or was signed out elsewhere) brings back the sign-in page.
 */
function useSession() {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const load = useCallback(() => {
    setState({ status: 'loading' });
    fetchSession().then(
      (session) => setState({ status: 'signed-in', session }),
      (error: unknown) =>
        setState(error instanceof ApiError && error.status === 401 ? { status: 'signed-out' } : { status: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }, []);
  useEffect(() => {
    load();
    const onUnauthorized = () => setState({ status: 'signed-out' });
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [load]);
  return { state, setState, reload: load };
}

/** The sign-in gate: the sign-in page until someone is signed in, then the dashboard. */
export function App() {
  const { t } = useI18n();
  const { state, setState, reload } = useSession();
  const { route } = useLocation();
  const onSignOut = useCallback(() => {
    void signOut().finally(() => setState({ status: 'signed-out' }));
  }, [setState]);
  // An invitation link works signed in or not: taking it up signs its invitee in.
  if (route.page === 'invite') {
    return (
      <InvitePage
        token={route.token}
        onSignedIn={(session) => {
          navigate('/', { replace: true });
          setState({ status: 'signed-in', session });
        }}
      />
    );
  }
  switch (state.status) {
    case 'loading':
      return (
        <div className="page">
          <LoadingState what={t('what.session')} />
        </div>
      );
    case 'error':
      return (
        <div className="page">
          <ErrorState what={t('what.session')} error={state.error} onRetry={reload} />
        </div>
      );
    case 'signed-out':
      return <SignedOutPage onSignedIn={(session) => setState({ status: 'signed-in', session })} />;
    case 'signed-in':
      // Keyed by operator: another sign-in starts from a clean slate.
      return <Shell key={state.session.operator.id} session={state.session} onSignOut={onSignOut} />;
  }
}

/** Header and page routing. The overview, automations and the audit log need a workspace; other pages do not wait for one. */
function Shell({ session, onSignOut }: { session: SessionInfo; onSignOut(): void }) {
  const { t, locale, setLocale } = useI18n();
  const { route, search } = useLocation();
  const workspaces = useResource((signal) => fetchWorkspaces(signal), []);
  const wanted = search.get('ws');
  const list = workspaces.data?.workspaces;
  const workspace: Workspace | undefined = list && (wanted ? list.find((w) => w.slug === wanted) : list[0]);

  const section =
    route.page === 'sandbox' ||
    route.page === 'audit' ||
    route.page === 'automations' ||
    route.page === 'outbox' ||
    route.page === 'alerts' ||
    route.page === 'broadcasts' ||
    route.page === 'webhooks' ||
    route.page === 'connections' ||
    route.page === 'team' ||
    route.page === 'tokens' ||
    route.page === 'import' ||
    route.page === 'growth' ||
    route.page === 'posters' ||
    route.page === 'campaigns' ||
    route.page === 'conversions' ||
    route.page === 'points' ||
    route.page === 'draws' ||
    route.page === 'moderation' ||
    route.page === 'members'
      ? route.page
      : route.page === 'member'
        ? 'members'
        : 'overview';
  const navLink = (to: string, id: typeof section, label: string) => (
    <Link to={to} className={section === id ? 'nav__link is-active' : 'nav__link'} aria-current={section === id ? 'page' : undefined}>
      {label}
    </Link>
  );

  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/" className="brand">
            <Logo />
            <span className="brand__name">Hearth</span>
            <span className="brand__tag">{t('app.tagline')}</span>
          </Link>
          <nav className="nav" aria-label={t('nav.main')}>
            {/* In the order of the operator's day: the groups, keeping them lively, what goes out, the settings. */}
            {navLink('/', 'overview', t('nav.overview'))}
            {navLink('/members', 'members', t('nav.members'))}
            {navLink('/alerts', 'alerts', t('nav.alerts'))}
            {navLink('/moderation', 'moderation', t('nav.moderation'))}
            <span className="nav__sep" aria-hidden="true" />
            {navLink('/broadcasts', 'broadcasts', t('nav.broadcasts'))}
            {navLink('/points', 'points', t('nav.points'))}
            {navLink('/draws', 'draws', t('nav.draws'))}
            {navLink('/automations', 'automations', t('nav.automations'))}
            {navLink('/growth', 'growth', t('nav.growth'))}
            {navLink('/posters', 'posters', t('nav.posters'))}
            {navLink('/campaigns', 'campaigns', t('nav.campaigns'))}
            {navLink('/conversions', 'conversions', t('nav.conversions'))}
            <span className="nav__sep" aria-hidden="true" />
            {navLink('/outbox', 'outbox', t('nav.outbox'))}
            {navLink('/sandbox', 'sandbox', t('nav.sandbox'))}
            <span className="nav__sep" aria-hidden="true" />
            {navLink('/connections', 'connections', t('nav.connections'))}
            {navLink('/team', 'team', t('nav.team'))}
            {navLink('/tokens', 'tokens', t('nav.tokens'))}
            {navLink('/webhooks', 'webhooks', t('nav.webhooks'))}
            {navLink('/import', 'import', t('nav.import'))}
            {navLink('/audit', 'audit', t('nav.audit'))}
          </nav>
          <div className="topbar__tools">
            {list && list.length > 1 ? (
              <label className="topbar__field">
                <span className="visually-hidden">{t('header.workspace')}</span>
                <select
                  className="topbar__select"
                  value={workspace?.slug ?? ''}
                  onChange={(e) =>
                    navigate(
                      `${section === 'audit' || section === 'automations' || section === 'outbox' || section === 'alerts' || section === 'broadcasts' || section === 'webhooks' || section === 'connections' || section === 'team' || section === 'tokens' || section === 'import' || section === 'growth' || section === 'posters' || section === 'campaigns' || section === 'conversions' || section === 'moderation' || section === 'members' ? `/${section}` : '/'}?ws=${encodeURIComponent(e.target.value)}`,
                    )
                  }
                  data-testid="workspace-switch"
                >
                  {!workspace && <option value="">—</option>}
                  {list.map((w) => (
                    <option key={w.id} value={w.slug}>
                      {w.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : (
              workspace && (
                <span className="topbar__workspace" title={t('header.workspace')}>
                  {workspace.name}
                </span>
              )
            )}
            <label className="topbar__field">
              <span className="visually-hidden">{t('header.language')}</span>
              <select className="topbar__select" value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="lang-switch" aria-label={t('header.language')}>
                {LOCALES.map((l) => (
                  <option key={l.code} value={l.code} lang={l.code}>
                    {l.label}
                  </option>
                ))}
              </select>
            </label>
            <span className="topbar__account" title={t('header.account', { email: session.operator.email })} data-testid="account">
              {session.operator.email}
            </span>
            <button type="button" className="btn btn--secondary topbar__signout" onClick={onSignOut} data-testid="logout">
              {t('header.signOut')}
            </button>
          </div>
        </div>
      </header>
      <main className="main">
        <Page route={route} search={search} session={session} workspace={workspace} workspaces={workspaces} wanted={wanted} />
      </main>
    </div>
  );
}

function Page({
  route,
  search,
  session,
  workspace,
  workspaces,
  wanted,
}: {
  route: Route;
  search: URLSearchParams;
  session: SessionInfo;
  workspace: Workspace | undefined;
  workspaces: Resource<{ workspaces: Workspace[] }>;
  wanted: string | null;
}) {
  const { t } = useI18n();
  switch (route.page) {
    case 'group':
      return <GroupPage key={route.groupId} groupId={route.groupId} />;
    case 'group-invalid':
      return <InvalidGroup raw={route.raw} />;
    case 'sandbox':
      return <SandboxPage requestedGroup={search.get('group')} />;
    case 'not-found':
      return <NotFound path={route.path} />;
    case 'overview':
    case 'audit':
    case 'automations':
    case 'outbox':
    case 'alerts':
    case 'broadcasts':
    case 'webhooks':
    case 'connections':
    case 'team':
    case 'tokens':
    case 'invite':
    case 'import':
    case 'growth':
    case 'posters':
    case 'campaigns':
    case 'conversions':
    case 'points':
    case 'draws':
    case 'moderation':
    case 'members':
    case 'member':
      break;
  }
  const list = workspaces.data?.workspaces;
  if (!list) {
    return (
      <div className="page">{workspaces.error ? <ErrorState what={t('what.workspaces')} error={workspaces.error} onRetry={workspaces.reload} /> : <LoadingState what={t('what.workspaces')} />}</div>
    );
  }
  const first = list[0];
  if (!workspace) {
    return (
      <div className="page">
        <div className="state state--error" role="alert">
          <div className="state__title">{first ? t('error.unknownWorkspace', { slug: wanted ?? '' }) : t('error.noWorkspaces')}</div>
          {first && (
            <Link to={`/?ws=${encodeURIComponent(first.slug)}`} className="btn btn--secondary">
              {t('error.openFirstWorkspace', { name: first.name })}
            </Link>
          )}
        </div>
      </div>
    );
  }
  if (route.page === 'audit') return <AuditPage key={workspace.slug} workspace={workspace} />;
  if (route.page === 'members' || route.page === 'member') {
    const canManage = session.workspaces.find((w) => w.id === workspace.id)?.permissions.includes('manage') ?? false;
    return route.page === 'members' ? (
      <MembersPage key={workspace.slug} workspace={workspace} search={search} canManage={canManage} />
    ) : (
      <MemberPage key={route.memberId} memberId={route.memberId} workspace={workspace} canManage={canManage} />
    );
  }
  if (route.page === 'alerts') return <AlertsPage key={workspace.slug} workspace={workspace} />;
  if (route.page === 'broadcasts') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <BroadcastsPage key={workspace.slug} workspace={workspace} canAct={access?.permissions.includes('act') ?? false} />;
  }
  if (route.page === 'posters') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <PostersPage key={workspace.slug} workspace={workspace} canConfigure={access?.permissions.includes('configure') ?? false} canAct={access?.permissions.includes('act') ?? false} />;
  }
  if (route.page === 'growth') return <GrowthPage key={workspace.slug} workspace={workspace} />;
  if (route.page === 'campaigns') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <CampaignsPage key={workspace.slug} workspace={workspace} canAct={access?.permissions.includes('act') ?? false} />;
  }
  if (route.page === 'conversions') {
    const permissions = session.workspaces.find((w) => w.id === workspace.id)?.permissions ?? [];
    return (
      <ConversionsPage key={workspace.slug} workspace={workspace} canAct={permissions.includes('act')} canConfigure={permissions.includes('configure')} canManage={permissions.includes('manage')} />
    );
  }
  if (route.page === 'draws') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <DrawsPage key={workspace.slug} workspace={workspace} canAct={access?.permissions.includes('act') ?? false} />;
  }
  if (route.page === 'points') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <PointsPage key={workspace.slug} workspace={workspace} canAct={access?.permissions.includes('act') ?? false} canConfigure={access?.permissions.includes('configure') ?? false} />;
  }
  if (route.page === 'moderation') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <ModerationPage key={workspace.slug} workspace={workspace} canAct={access?.permissions.includes('act') ?? false} />;
  }
  if (route.page === 'import') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <ImportPage key={workspace.slug} workspace={workspace} canConfigure={access?.permissions.includes('configure') ?? false} />;
  }
  if (route.page === 'team' || route.page === 'tokens') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return route.page === 'team' ? (
      <TeamPage key={workspace.slug} workspace={workspace} myRole={access?.role ?? ''} canManage={access?.permissions.includes('manage') ?? false} />
    ) : (
      <TokensPage key={workspace.slug} workspace={workspace} permissions={access?.permissions ?? []} />
    );
  }
  if (route.page === 'connections') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <ConnectionsPage key={workspace.slug} workspace={workspace} canConfigure={access?.permissions.includes('configure') ?? false} />;
  }
  if (route.page === 'webhooks') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <WebhooksPage key={workspace.slug} workspace={workspace} canConfigure={access?.permissions.includes('configure') ?? false} />;
  }
  if (route.page === 'outbox') {
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <OutboxPage key={workspace.slug} workspace={workspace} canAct={access?.permissions.includes('act') ?? false} />;
  }
  if (route.page === 'automations') {
    // What the caller may do here, as the session reported it at sign-in; the server still checks every change.
    const access = session.workspaces.find((w) => w.id === workspace.id);
    return <AutomationsPage key={workspace.slug} workspace={workspace} canConfigure={access?.permissions.includes('configure') ?? false} role={access?.role ?? workspace.role ?? null} />;
  }
  return <OverviewPage key={workspace.slug} workspace={workspace} />;
}
