import { useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { sandboxJoin, sandboxLeave, sandboxSay } from '../api-client.js';
import type { BotAction } from '../api-client.js';
import { useI18n } from '../i18n.js';
import { describeError } from './status-views.js';

/** What the operator did as a member, and what the bot did about it. */
export interface SandboxOutcome {
  what: 'say' | 'join' | 'leave';
  member: string;
  at: number;
  actions: BotAction[];
}

const MEMBER_KEY = 'hearth.sandbox.member';

function savedMember(): string {
  try {
    return window.localStorage.getItem(MEMBER_KEY) ?? '';
  } catch {
    return '';
  }
}

function saveMember(name: string): void {
  try {
    window.localStorage.setItem(MEMBER_KEY, name);
  } catch {
    // Only a convenience; the field still works without storage.
  }
}

/**
 * The operator's side of the sandbox: pick a member name, then speak, join or leave
 * as that member. Reports the bot's response through `onOutcome`.
 */
export function SandboxComposer({ groupId, onOutcome }: { groupId: number; onOutcome(outcome: SandboxOutcome): void }) {
  const { t } = useI18n();
  const [member, setMember] = useState(savedMember);
  const [text, setText] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<SandboxOutcome['what'] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const run = async (what: SandboxOutcome['what']) => {
    const name = member.trim();
    if (!name) {
      setProblem(t('sandbox.needMember'));
      return;
    }
    if (what === 'say' && !text.trim()) {
      setProblem(t('sandbox.needText'));
      return;
    }
    setBusy(what);
    setProblem(null);
    saveMember(name);
    try {
      const response = what === 'say' ? await sandboxSay(groupId, name, text) : what === 'join' ? await sandboxJoin(groupId, name, code.trim() || undefined) : await sandboxLeave(groupId, name);
      if (what === 'say') setText('');
      onOutcome({ what, member: name, at: Date.now(), actions: Array.isArray(response.actions) ? response.actions : [] });
    } catch (error) {
      setProblem(t('sandbox.failed', { message: describeError(error instanceof Error ? error : new Error(String(error))) }));
    } finally {
      setBusy(null);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run('say');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter breaks the line; leave IME composition (Chinese input) alone.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void run('say');
    }
  };

  return (
    <form className="composer" onSubmit={onSubmit}>
      <div className="composer__row">
        <label className="field field--member">
          <span className="field__label">{t('sandbox.member')}</span>
          <input
            className="input"
            value={member}
            onChange={(e) => setMember(e.target.value)}
            placeholder={t('sandbox.memberPlaceholder')}
            maxLength={100}
            autoComplete="off"
            data-testid="sandbox-member"
          />
        </label>
        <label className="field field--code">
          <span className="field__label">{t('sandbox.code')}</span>
          <input className="input" value={code} onChange={(e) => setCode(e.target.value)} placeholder={t('sandbox.codePlaceholder')} maxLength={200} autoComplete="off" data-testid="sandbox-code" />
        </label>
        <div className="composer__buttons">
          <button type="button" className="btn btn--secondary" disabled={busy !== null} onClick={() => void run('join')} data-testid="sandbox-join">
            {t('sandbox.join')}
          </button>
          <button type="button" className="btn btn--secondary" disabled={busy !== null} onClick={() => void run('leave')} data-testid="sandbox-leave">
            {t('sandbox.leave')}
          </button>
        </div>
      </div>
      <div className="composer__row composer__row--text">
        <textarea
          className="input composer__text"
          rows={2}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={t('sandbox.textPlaceholder')}
          aria-label={t('sandbox.text')}
          maxLength={4096}
          data-testid="sandbox-text"
        />
        <button type="submit" className="btn btn--primary composer__send" disabled={busy !== null} data-testid="sandbox-send">
          {busy === 'say' ? <span className="spinner spinner--small" aria-hidden="true" /> : null}
          {t('sandbox.send')}
        </button>
      </div>
      <div className="composer__foot">
        {problem ? (
          <span className="composer__error" role="alert" data-testid="sandbox-error">
            {problem}
          </span>
        ) : (
          <span className="muted">{t('sandbox.hint')}</span>
        )}
      </div>
    </form>
  );
}
