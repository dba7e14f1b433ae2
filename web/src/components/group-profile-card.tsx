import { useState } from 'react';
import type { FormEvent } from 'react';
import { GROUP_PURPOSES, GROUP_TYPES } from '../../../src/shared/group-profile-terms.js';
import { followsNamingRule } from '../../../src/shared/naming-rule.js';
import { changeGroupProfile, fetchGroup, setGroupSets, type GroupDetail, type GroupProfileChange } from '../api-client.js';
import { labelOrId, platformLabel, useI18n, type MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useResource } from '../use-resource.js';
import { ChangeError, useChange } from './automation-forms.js';
import { ErrorState, LoadingState } from './status-views.js';

type Draft = Required<{ [K in keyof GroupProfileChange]: string }> & { sets: string };

const draftOf = (g: GroupDetail): Draft => ({
  purpose: g.purpose ?? '',
  type: g.type ?? '',
  theme: g.theme ?? '',
  audience: g.audience ?? '',
  promise: g.promise ?? '',
  namingRule: g.namingRule ?? '',
  timezone: g.timezone,
  sets: g.sets.join(', '),
});

/** The fields the draft changed, empty text clearing a field. */
function changesOf(before: GroupDetail, draft: Draft): GroupProfileChange {
  const change: Record<string, string | null> = {};
  for (const key of ['purpose', 'type', 'theme', 'audience', 'promise', 'namingRule'] as const) {
    const next = draft[key].trim() === '' ? null : draft[key].trim();
    if (next !== before[key]) change[key] = next;
  }
  if (draft.timezone.trim() !== before.timezone) change.timezone = draft.timezone.trim();
  return change as GroupProfileChange;
}

const setsOf = (text: string) =>
  text
    .split(/[,，]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * A group's positioning (`001`, `002`): purpose, type, theme, audience, promised value,
 * naming convention (and whether the name follows it), time zone and the sets it is in;
 * editable in place by an operator who may configure the group.
 */
export function GroupProfileCard({ groupId, members }: { groupId: number; members?: number }) {
  const { t, fmt } = useI18n();
  const loaded = useResource((signal) => fetchGroup(groupId, signal), [groupId]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const change = useChange();
  const group = loaded.data?.group;

  if (!group) {
    return (
      <section className="card profile" aria-labelledby="profile-title">
        <h2 id="profile-title" className="card__title">
          {t('group.profile')}
        </h2>
        {loaded.error ? <ErrorState what={t('group.profile')} error={loaded.error} onRetry={loaded.reload} /> : <LoadingState what={t('group.profile')} />}
      </section>
    );
  }

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    const profile = changesOf(group, draft);
    const sets = setsOf(draft.sets);
    const ok = await change.run(async () => {
      if (Object.keys(profile).length > 0) await changeGroupProfile(group.id, profile);
      if (sets.join('\n') !== group.sets.join('\n')) await setGroupSets(group.id, sets);
    });
    if (ok) {
      setDraft(null);
      loaded.reload();
    }
  };

  const naming = group.namingRule ? followsNamingRule(group.namingRule, group.name) : null;
  const rows: Array<[MessageKey, string | null, string?]> = [
    ['group.platform', platformLabel(t, group.platform)],
    ['group.purpose', group.purpose && labelOrId(t, 'purpose', group.purpose)],
    ['group.type', group.type && labelOrId(t, 'groupType', group.type)],
    ['group.theme', group.theme],
    ['group.audience', group.audience],
    ['group.promise', group.promise],
    ['group.namingRule', group.namingRule, naming === null ? undefined : t(naming ? 'group.namingFollowed' : 'group.namingBroken')],
    ['group.timezone', group.timezone],
  ];
  if (members !== undefined) rows.splice(1, 0, ['group.members', fmt.number(members)]);
  const field = (key: keyof Draft, label: MessageKey, hint?: MessageKey) => (
    <label className="field">
      <span className="field__label">{t(label)}</span>
      <input
        className="input"
        value={draft?.[key] ?? ''}
        maxLength={key === 'theme' || key === 'namingRule' ? 200 : 500}
        onChange={(e) => setDraft((d) => d && { ...d, [key]: e.target.value })}
        data-testid={`profile-${key}`}
      />
      {hint && <small className="field__hint">{t(hint)}</small>}
    </label>
  );

  return (
    <section className="card profile" aria-labelledby="profile-title" data-testid="group-profile">
      <div className="card__head">
        <h2 id="profile-title" className="card__title">
          {t('group.profile')}
        </h2>
        {!draft && (
          <button type="button" className="btn btn--secondary" onClick={() => setDraft(draftOf(group))} data-testid="profile-edit">
            {t('group.edit')}
          </button>
        )}
      </div>
      {draft ? (
        <form className="profile-form" onSubmit={save} data-testid="profile-form">
          <label className="field">
            <span className="field__label">{t('group.purpose')}</span>
            <select className="input" value={draft.purpose} onChange={(e) => setDraft({ ...draft, purpose: e.target.value })} data-testid="profile-purpose">
              <option value="">—</option>
              {GROUP_PURPOSES.map((p) => (
                <option key={p} value={p}>
                  {labelOrId(t, 'purpose', p)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">{t('group.type')}</span>
            <select className="input" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })} data-testid="profile-type">
              <option value="">—</option>
              {GROUP_TYPES.map((p) => (
                <option key={p} value={p}>
                  {labelOrId(t, 'groupType', p)}
                </option>
              ))}
            </select>
          </label>
          {field('theme', 'group.theme')}
          {field('audience', 'group.audience')}
          {field('promise', 'group.promise')}
          {field('namingRule', 'group.namingRule', 'group.namingHint')}
          {field('timezone', 'group.timezone')}
          {field('sets', 'group.sets', 'group.setsHint')}
          <ChangeError message={change.error} />
          <div className="profile-form__actions">
            <button type="submit" className="btn" disabled={change.busy} data-testid="profile-save">
              {t('group.save')}
            </button>
            <button
              type="button"
              className="btn btn--secondary"
              onClick={() => {
                setDraft(null);
                change.clear();
              }}
            >
              {t('group.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <>
          <dl className="profile__list">
            {rows.map(([label, value, note]) => (
              <div key={label} className="profile__row">
                <dt>{t(label)}</dt>
                <dd className={value ? undefined : 'muted'}>
                  {value || '—'}
                  {note && <small className={naming ? 'profile__note' : 'profile__note profile__note--bad'}> {note}</small>}
                </dd>
              </div>
            ))}
            <div className="profile__row">
              <dt>{t('group.sets')}</dt>
              <dd data-testid="profile-sets">
                {group.sets.length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  group.sets.map((s) => (
                    <Link key={s} to={`/?set=${encodeURIComponent(s)}`} className="chip">
                      {s}
                    </Link>
                  ))
                )}
              </dd>
            </div>
          </dl>
          {group.platform === 'sandbox' && (
            <Link to={`/sandbox?group=${group.id}`} className="btn btn--secondary btn--block">
              {t('group.openSandbox')}
            </Link>
          )}
        </>
      )}
    </section>
  );
}
