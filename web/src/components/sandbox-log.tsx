import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { SandboxEntry } from '../api-client.js';
import { useI18n } from '../i18n.js';

/** Distance from the bottom (px) within which the log keeps following new entries. */
const STICK_THRESHOLD = 80;

function hue(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0;
  return h % 360;
}

function initial(name: string): string {
  // Array.from splits by code point, so an emoji or CJK name keeps its first character whole.
  return (Array.from(name.trim())[0] ?? '?').toLocaleUpperCase();
}

function snippet(text: string | null, max = 90): string {
  if (!text) return '';
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}

function Quote({ replyTo, target }: { replyTo: string; target: SandboxEntry | undefined }) {
  const { t, tx } = useI18n();
  return (
    <div className="entry__quote">
      {target ? (
        <>
          <span className="entry__quote-who">{tx('sandbox.replyTo', { name: target.from.name })}</span>
          {target.text && <span className="entry__quote-text">{snippet(target.text)}</span>}
        </>
      ) : (
        <span className="entry__quote-who" title={replyTo}>
          {t('sandbox.replyToUnknown')}
        </span>
      )}
    </div>
  );
}

function Entry({ entry, byId }: { entry: SandboxEntry; byId: Map<string, SandboxEntry> }) {
  const { t, tx, fmt } = useI18n();
  const { from } = entry;
  const name = <strong className="entry__name-inline">{from.name}</strong>;
  const common = {
    'data-testid': 'sandbox-entry',
    'data-entry-id': entry.id,
    'data-kind': entry.kind,
    'data-bot': from.bot ? 'true' : 'false',
  };
  const time = (
    <time className="entry__time" dateTime={entry.at} title={fmt.dateTime(entry.at)}>
      {fmt.time(entry.at)}
    </time>
  );

  if (entry.kind !== 'message') {
    let line: ReactNode;
    switch (entry.kind) {
      case 'join':
        line = tx('sandbox.joined', { name });
        break;
      case 'leave':
        line = tx('sandbox.left', { name });
        break;
      case 'reaction':
        line = tx('sandbox.reacted', { name, emoji: entry.text ?? '' });
        break;
      default:
        line = entry.text && entry.text !== from.name ? tx('sandbox.renamedTo', { name, text: <strong className="entry__name-inline">{entry.text}</strong> }) : tx('sandbox.renamed', { name });
    }
    return (
      <li {...common} className={`entry entry--event entry--${entry.kind}`}>
        <span className="entry__event">
          {line}
          {time}
        </span>
        {entry.replyTo && entry.kind === 'reaction' && <Quote replyTo={entry.replyTo} target={byId.get(entry.replyTo)} />}
      </li>
    );
  }

  return (
    <li {...common} className={from.bot ? 'entry entry--message entry--bot' : 'entry entry--message'}>
      <span
        className="entry__avatar"
        aria-hidden="true"
        // A stable colour per member helps follow who is talking.
        style={from.bot ? undefined : { backgroundColor: `hsl(${hue(from.id)} 45% 46%)` }}
      >
        {initial(from.name)}
      </span>
      <div className="entry__bubble">
        <div className="entry__meta">
          <span className="entry__name">{from.name}</span>
          {from.bot && <span className="badge badge--bot">{t('sandbox.bot')}</span>}
          {time}
        </div>
        {entry.replyTo && <Quote replyTo={entry.replyTo} target={byId.get(entry.replyTo)} />}
        <div className="entry__text">{entry.text ?? ''}</div>
      </div>
    </li>
  );
}

/**
 * A sandbox group's conversation. Follows new entries while the operator is at the
 * bottom; once they scroll up to read, it stays put and offers a jump back instead.
 * Everything shown is member-supplied text and is rendered only as React text.
 */
export function SandboxLog({ entries }: { entries: SandboxEntry[] }) {
  const { t } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const [unseen, setUnseen] = useState(false);
  const byId = useMemo(() => new Map(entries.map((e) => [e.id, e])), [entries]);
  const lastId = entries[entries.length - 1]?.id;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (stick.current) {
      el.scrollTop = el.scrollHeight;
      setUnseen(false);
    } else if (lastId !== undefined) {
      setUnseen(true);
    }
  }, [lastId]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD;
    if (stick.current) setUnseen(false);
  };

  const jump = () => {
    const el = scroller.current;
    if (!el) return;
    stick.current = true;
    el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
    setUnseen(false);
  };

  return (
    <div className="chat__log-wrap">
      <div className="chat__log" ref={scroller} onScroll={onScroll} data-testid="sandbox-log" role="log" aria-live="polite" tabIndex={0}>
        {entries.length === 0 ? (
          <p className="chat__empty">{t('sandbox.empty')}</p>
        ) : (
          <ol className="entries">
            {entries.map((entry) => (
              <Entry key={entry.id} entry={entry} byId={byId} />
            ))}
          </ol>
        )}
      </div>
      {unseen && (
        <button type="button" className="chat__jump" onClick={jump}>
          ↓ {t('sandbox.jumpToLatest')}
        </button>
      )}
    </div>
  );
}
