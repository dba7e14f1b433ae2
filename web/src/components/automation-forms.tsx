import { useCallback, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError } from '../api-client.js';
import { MAX_WELCOME_DELAY_SECONDS, REPLY_PLACEHOLDERS, type ReplyValues, WELCOME_PLACEHOLDERS, type WelcomeValues } from '../../../src/shared/automation-defaults.js';
import { fillTemplate } from '../../../src/shared/fill-template.js';
import { delayValue, keywordsFromText } from '../automation-config.js';
import type { KeywordReplyConfig, WelcomeConfig } from '../automation-config.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { describeError } from './status-views.js';

/** The member count previews fill {count} with. */
export const SAMPLE_COUNT = 128;

/** What the server said about a failed change: its own message (a 400 names the field), else what failed. */
export function serverMessage(error: unknown): string {
  if (error instanceof ApiError && error.detail) return error.detail;
  return describeError(error instanceof Error ? error : new Error(String(error)));
}

/** Runs one change at a time, remembering whether it is under way and the server's answer if it failed. */
export function useChange() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (change: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await change();
      return true;
    } catch (cause) {
      setError(serverMessage(cause));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { busy, error, run, clear };
}

/** A failed change, with the server's message, beside the form or table it concerns. */
export function ChangeError({ message }: { message: string | null }) {
  const { t } = useI18n();
  if (!message) return null;
  return (
    <p className="form-error" role="alert" data-testid="automation-error">
      {t('automations.failed', { message })}
    </p>
  );
}

/** An on/off switch (a checkbox with the switch role), labelled for screen readers. */
export function Switch({ checked, disabled, label, onChange, testId }: { checked: boolean; disabled: boolean; label: string; onChange(next: boolean): void; testId?: string }) {
  const { t } = useI18n();
  return (
    <label className={checked ? 'switch is-on' : 'switch'}>
      <input type="checkbox" role="switch" checked={checked} aria-checked={checked} disabled={disabled} aria-label={label} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
      <span className="switch__track" aria-hidden="true">
        <span className="switch__thumb" />
      </span>
      <span className="switch__text">{checked ? t('automations.on') : t('automations.off')}</span>
    </label>
  );
}

/** "Remove", then "Remove for good" / "Cancel": no browser dialog, and no removal by a stray click. */
export function RemoveButton({ disabled, onRemove, testId }: { disabled: boolean; onRemove(): void; testId?: string }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="btn btn--small btn--danger-quiet" disabled={disabled} onClick={() => setAsking(true)} data-testid={testId}>
        {t('automations.remove')}
      </button>
    );
  }
  return (
    <span className="confirm">
      <button
        type="button"
        className="btn btn--small btn--danger"
        disabled={disabled}
        onClick={() => {
          setAsking(false);
          onRemove();
        }}
        data-testid={testId ? `${testId}-confirm` : undefined}
        autoFocus
      >
        {t('automations.removeConfirm')}
      </button>
      <button type="button" className="btn btn--small btn--secondary" onClick={() => setAsking(false)}>
        {t('automations.cancel')}
      </button>
    </span>
  );
}

/**
 * How a message will look, as a bot bubble. The text is a React child: whatever the
 * template holds (markup included) is shown as the literal characters, never parsed.
 */
function MessagePreview({ text, testId, before, notes }: { text: string; testId: string; before?: ReactNode; notes: string[] }) {
  const { t } = useI18n();
  return (
    <div className="preview">
      <div className="preview__head">
        <span className="field__label">{t('welcome.preview')}</span>
        <span className="preview__hint">{t('welcome.previewHint')}</span>
      </div>
      <div className="preview__chat">
        {before}
        <div className="preview__message">
          <span className="preview__avatar" aria-hidden="true">
            H
          </span>
          <div className="preview__bubble">
            <div className="preview__meta">
              <span className="badge badge--bot">{t('sandbox.bot')}</span>
            </div>
            <div className="preview__text" data-testid={testId}>
              {text}
            </div>
            {text === '' && <span className="muted">{t('welcome.previewEmpty')}</span>}
          </div>
        </div>
      </div>
      {notes.length > 0 && <div className="preview__notes">{notes.join(' · ')}</div>}
    </div>
  );
}

/** Placeholder buttons under a template: a click inserts the placeholder at the cursor. */
function PlaceholderLegend({ names, disabled, onInsert, meaning }: { names: readonly string[]; disabled: boolean; onInsert(token: string): void; meaning(name: string): string }) {
  const { t } = useI18n();
  return (
    <div className="placeholders">
      <span className="placeholders__label">{t('welcome.placeholders')}</span>
      {names.map((name) => (
        <span key={name} className="placeholders__item">
          <button type="button" className="token" disabled={disabled} onClick={() => onInsert(`{${name}}`)} title={t('welcome.insert', { placeholder: `{${name}}`, meaning: meaning(name) })}>
            {`{${name}}`}
          </button>
          <span className="placeholders__meaning">{meaning(name)}</span>
        </span>
      ))}
    </div>
  );
}

/** Inserts text at a textarea's cursor (replacing any selection) and puts the cursor after it. */
function useInsertAtCursor(value: string, setValue: (next: string) => void) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const insert = (token: string) => {
    const el = ref.current;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    setValue(value.slice(0, start) + token + value.slice(end));
    const caret = start + token.length;
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(caret, caret);
    });
  };
  return { ref, insert };
}

interface WelcomeDraft {
  template: string;
  delay: string;
  firstJoinOnly: boolean;
  mention: boolean;
}

function draftOf(config: WelcomeConfig): WelcomeDraft {
  return { template: config.template, delay: String(config.delaySeconds), firstJoinOnly: config.firstJoinOnly, mention: config.mention };
}

function sameDraft(a: WelcomeDraft, b: WelcomeDraft): boolean {
  return a.template === b.template && a.delay === b.delay && a.firstJoinOnly === b.firstJoinOnly && a.mention === b.mention;
}

/**
 * The welcome message's form: template with a live preview, delay, first-join-only and
 * mention. Sends what was typed; the server's 400 (naming the field) is shown beside it.
 * Test ids are `${testIdPrefix}-template`, `-preview`, `-save`, `-delay`, `-first-join`, `-mention`.
 */
export function WelcomeForm({
  initial,
  testIdPrefix,
  sampleGroup,
  disabled,
  isNew = false,
  ready = true,
  onSave,
  onCancel,
  children,
}: {
  initial: WelcomeConfig;
  testIdPrefix: string;
  /** The group name the preview fills {group} with. */
  sampleGroup: string;
  /** The caller may not configure: every control is off. */
  disabled: boolean;
  /** Saving creates the rule, so an unchanged form can be saved. */
  isNew?: boolean;
  /** False while something outside the form (the group to add it to) is still missing. */
  ready?: boolean;
  onSave(config: Record<string, unknown>): Promise<unknown>;
  onCancel?(): void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const id = useId();
  const [draft, setDraft] = useState<WelcomeDraft>(() => draftOf(initial));
  // What the server holds: the last saved draft until the reloaded list brings the stored config.
  const [baseline, setBaseline] = useState<WelcomeDraft>(() => draftOf(initial));
  const initialDraft = draftOf(initial);
  const initialKey = JSON.stringify(initialDraft);
  const [seenKey, setSeenKey] = useState(initialKey);
  if (initialKey !== seenKey) {
    setSeenKey(initialKey);
    setBaseline(initialDraft);
  }
  const [saved, setSaved] = useState(false);
  const change = useChange();
  const edit = (patch: Partial<WelcomeDraft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const { ref, insert } = useInsertAtCursor(draft.template, (template) => edit({ template }));
  const dirty = !sameDraft(draft, baseline);

  const sampleName = t('welcome.sampleName');
  const sample: WelcomeValues = { name: sampleName, group: sampleGroup, count: SAMPLE_COUNT };
  const preview = fillTemplate(draft.template, sample);
  const delay = delayValue(draft.delay);
  const notes = [
    typeof delay === 'number' && delay > 0 ? t('welcome.previewDelay', { seconds: delay }) : t('welcome.previewNow'),
    ...(draft.mention ? [t('welcome.previewMention', { name: sampleName })] : []),
  ];

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (disabled || change.busy || !ready) return;
    const sent = draft;
    const ok = await change.run(() => onSave({ template: sent.template, delaySeconds: delay, firstJoinOnly: sent.firstJoinOnly, mention: sent.mention }));
    if (ok) setBaseline(sent);
    setSaved(ok);
  };
  const discard = () => {
    setDraft(baseline);
    setSaved(false);
    change.clear();
  };
  const meaning = (name: string) => t(`welcome.ph.${name}` as MessageKey);

  return (
    <form className="rule-form" onSubmit={onSubmit} noValidate data-testid={`${testIdPrefix}-form`}>
      <div className="rule-form__fields">
        {children}
        <div className="field">
          <label className="field__label" htmlFor={`${id}-template`}>
            {t('welcome.template')}
          </label>
          <textarea
            id={`${id}-template`}
            ref={ref}
            className="input rule-form__template"
            rows={5}
            value={draft.template}
            disabled={disabled}
            onChange={(e) => edit({ template: e.target.value })}
            data-testid={`${testIdPrefix}-template`}
          />
          <PlaceholderLegend names={WELCOME_PLACEHOLDERS} disabled={disabled} onInsert={insert} meaning={meaning} />
        </div>
        <div className="rule-form__row">
          <label className="field rule-form__delay">
            <span className="field__label">{t('welcome.delay')}</span>
            <input
              className="input"
              type="number"
              inputMode="numeric"
              min={0}
              max={MAX_WELCOME_DELAY_SECONDS}
              step={1}
              value={draft.delay}
              disabled={disabled}
              onChange={(e) => edit({ delay: e.target.value })}
              aria-describedby={`${id}-delay-hint`}
              data-testid={`${testIdPrefix}-delay`}
            />
            <span id={`${id}-delay-hint`} className="field__hint">
              {t('welcome.delayHint')}
            </span>
          </label>
          <div className="rule-form__checks">
            <label className="check">
              <input type="checkbox" checked={draft.firstJoinOnly} disabled={disabled} onChange={(e) => edit({ firstJoinOnly: e.target.checked })} data-testid={`${testIdPrefix}-first-join`} />
              {t('welcome.firstJoinOnly')}
            </label>
            <label className="check">
              <input type="checkbox" checked={draft.mention} disabled={disabled} onChange={(e) => edit({ mention: e.target.checked })} data-testid={`${testIdPrefix}-mention`} />
              {t('welcome.mention')}
            </label>
          </div>
        </div>
        <div className="rule-form__actions">
          <button type="submit" className="btn btn--primary" disabled={disabled || change.busy || !ready || (!dirty && !isNew)} data-testid={`${testIdPrefix}-save`}>
            {change.busy ? t('automations.saving') : t('automations.save')}
          </button>
          {onCancel ? (
            <button type="button" className="btn btn--secondary" onClick={onCancel} disabled={change.busy}>
              {t('automations.cancel')}
            </button>
          ) : (
            dirty && (
              <button type="button" className="btn btn--secondary" onClick={discard} disabled={disabled || change.busy}>
                {t('automations.discard')}
              </button>
            )
          )}
          {saved && !dirty && (
            <span className="saved" role="status" data-testid={`${testIdPrefix}-saved`}>
              ✓ {t('automations.saved')}
            </span>
          )}
        </div>
        <ChangeError message={change.error} />
      </div>
      <MessagePreview
        text={preview}
        testId={`${testIdPrefix}-preview`}
        notes={notes}
        before={
          <div className="preview__event">
            <span className="entry__event">{t('sandbox.joined', { name: sampleName })}</span>
          </div>
        }
      />
    </form>
  );
}

/** The groups a new keyword reply may be limited to (none chosen: every group). */
export interface ScopeChoice {
  groups: Array<{ id: number; name: string }>;
}

/**
 * A keyword reply's form: keywords one per line, the reply (with a preview) and whether
 * it quotes the asking message. A new one can be limited to one group.
 */
export function KeywordForm({
  initial,
  title,
  scope,
  sampleGroup,
  disabled,
  isNew = false,
  onSave,
  onCancel,
}: {
  initial: KeywordReplyConfig;
  title: string;
  /** Offered when adding: the groups a reply can be limited to. */
  scope?: ScopeChoice;
  sampleGroup: string;
  disabled: boolean;
  isNew?: boolean;
  onSave(config: Record<string, unknown>, groupId: number | null): Promise<unknown>;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [keywords, setKeywords] = useState(initial.keywords.join('\n'));
  const [reply, setReply] = useState(initial.reply);
  const [quote, setQuote] = useState(initial.quote);
  const [groupId, setGroupId] = useState('');
  const change = useChange();
  const { ref, insert } = useInsertAtCursor(reply, setReply);
  const dirty = isNew || keywords !== initial.keywords.join('\n') || reply !== initial.reply || quote !== initial.quote;
  const chosenGroup = scope?.groups.find((g) => String(g.id) === groupId);
  const sampleName = t('welcome.sampleName');

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (disabled || change.busy) return;
    await change.run(() => onSave({ keywords: keywordsFromText(keywords), reply, quote }, chosenGroup ? chosenGroup.id : null));
  };
  const meaning = (name: string) => t(name === 'name' ? 'welcome.ph.name' : 'welcome.ph.group');
  const sample: ReplyValues = { name: sampleName, group: chosenGroup?.name ?? sampleGroup };

  return (
    <form className="rule-form rule-form--keyword" onSubmit={onSubmit} noValidate data-testid="keyword-form">
      <div className="rule-form__fields">
        <h3 className="rule-form__title">{title}</h3>
        {scope && (
          <label className="field">
            <span className="field__label">{t('keywords.scope')}</span>
            <select className="input select" value={groupId} disabled={disabled} onChange={(e) => setGroupId(e.target.value)} data-testid="keyword-scope">
              <option value="">{t('keywords.allGroups')}</option>
              {scope.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field__label">{t('keywords.keywords')}</span>
          <textarea
            className="input rule-form__keywords"
            rows={3}
            value={keywords}
            disabled={disabled}
            onChange={(e) => setKeywords(e.target.value)}
            aria-describedby={`${id}-keywords-hint`}
            data-testid="keyword-keywords"
          />
          <span id={`${id}-keywords-hint`} className="field__hint">
            {t('keywords.keywordsHint')}
          </span>
        </label>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-reply`}>
            {t('keywords.reply')}
          </label>
          <textarea
            id={`${id}-reply`}
            ref={ref}
            className="input rule-form__template"
            rows={4}
            value={reply}
            disabled={disabled}
            onChange={(e) => setReply(e.target.value)}
            data-testid="keyword-reply"
          />
          <PlaceholderLegend names={REPLY_PLACEHOLDERS} disabled={disabled} onInsert={insert} meaning={meaning} />
        </div>
        <label className="check">
          <input type="checkbox" checked={quote} disabled={disabled} onChange={(e) => setQuote(e.target.checked)} data-testid="keyword-quote" />
          {t('keywords.quote')}
        </label>
        <div className="rule-form__actions">
          <button type="submit" className="btn btn--primary" disabled={disabled || change.busy || !dirty} data-testid="keyword-save">
            {change.busy ? t('automations.saving') : isNew ? t('automations.add') : t('automations.save')}
          </button>
          <button type="button" className="btn btn--secondary" onClick={onCancel} disabled={change.busy}>
            {t('automations.cancel')}
          </button>
        </div>
        <ChangeError message={change.error} />
      </div>
      <MessagePreview text={fillTemplate(reply, sample)} testId="keyword-preview" notes={[]} />
    </form>
  );
}
