import { ApiError } from '../api-client.js';
import { useI18n } from '../i18n.js';

/** A placeholder while a page's data is on its way. */
export function LoadingState({ what }: { what: string }) {
  const { t } = useI18n();
  return (
    <div className="state state--loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{t('state.loadingWhat', { what })}</span>
    </div>
  );
}

/**
 * Says what failed to load and why. For API errors the detail names the method,
 * route and HTTP status (e.g. "GET /api/groups/9/activity?days=30 → HTTP 404 Not Found").
 */
export function ErrorState({ what, error, onRetry }: { what: string; error: Error; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="state state--error" role="alert" data-testid="error-state">
      <div className="state__title">{t('state.errorTitle', { what })}</div>
      <code className="state__detail">{describeError(error)}</code>
      {onRetry && (
        <button type="button" className="btn btn--secondary" onClick={onRetry}>
          {t('state.retry')}
        </button>
      )}
    </div>
  );
}

/** A slim warning shown above data that is still displayed but could not be refreshed. */
export function RefreshErrorBanner({ error }: { error: Error }) {
  const { t } = useI18n();
  return (
    <div className="banner banner--warn" role="status">
      {t('state.refreshFailed', { message: describeError(error) })}
    </div>
  );
}

/** One-line description of an error for operators. */
export function describeError(error: Error): string {
  return error instanceof ApiError ? error.message : `${error.name}: ${error.message}`;
}
