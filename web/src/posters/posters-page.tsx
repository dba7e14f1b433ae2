import { useEffect, useRef, useState } from 'react';
import type { ChangeEvent, FormEvent, ReactNode } from 'react';
import type { Workspace } from '../api-client.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';
import { DEFAULT_POSTER_DESIGN, MAX_POSTER_BODY, MAX_POSTER_IMAGE_BYTES, MAX_POSTER_TITLE, POSTER_HEIGHT, POSTER_WIDTH } from '../../../src/shared/poster-records.js';
import {
  createPosterTemplate,
  deletePosterTemplate,
  fetchPosterTemplate,
  fetchPosterTemplates,
  memberPosterUrl,
  previewPoster,
  shrinkImage,
  updatePosterTemplate,
  type PosterDesign,
} from './posters-api.js';

/** The preview waits this long after the last keystroke, so typing renders once. */
const PREVIEW_DEBOUNCE_MS = 450;

interface Draft {
  /** null: a new template. */
  id: number | null;
  name: string;
  design: PosterDesign;
}

/** A whole-number input bound to a design field. */
function NumberField({ label, value, min, max, onChange, testId }: { label: string; value: number; min: number; max: number; onChange: (n: number) => void; testId?: string }) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <input
        className="input"
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={Number.isFinite(value) ? value : ''}
        onChange={(e) => onChange(Math.round(Number(e.target.value)))}
        data-testid={testId}
      />
    </label>
  );
}

function ColorField({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  return (
    <label className="field posters__color">
      <span className="field__label">{label}</span>
      <span className="posters__color-row">
        <input type="color" value={/^#[0-9a-f]{6}$/i.test(value) ? value : '#000000'} onChange={(e) => onChange(e.target.value)} aria-label={label} />
        <input className="input" value={value} maxLength={7} onChange={(e) => onChange(e.target.value)} />
      </span>
    </label>
  );
}

function Group({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="posters__group">
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}

/** The editor: every field of the design, and beside it (below it on a phone) the live preview. */
function Editor({
  workspace,
  draft,
  canConfigure,
  canAct,
  onSaved,
  onClose,
}: {
  workspace: Workspace;
  draft: Draft;
  canConfigure: boolean;
  canAct: boolean;
  onSaved: (id: number | null) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(draft.name);
  const [design, setDesign] = useState<PosterDesign>(draft.design);
  const [sample, setSample] = useState('');
  const [preview, setPreview] = useState<{ url: string; truncated: boolean } | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [rendering, setRendering] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [member, setMember] = useState('');
  const lastUrl = useRef<string | null>(null);
  const set = (patch: Partial<PosterDesign>) => setDesign((d) => ({ ...d, ...patch }));

  useEffect(() => {
    if (!canConfigure) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setRendering(true);
      previewPoster(workspace.slug, design, sample, controller.signal)
        .then(({ png, truncated }) => {
          const url = URL.createObjectURL(png);
          if (lastUrl.current) URL.revokeObjectURL(lastUrl.current);
          lastUrl.current = url;
          setPreview({ url, truncated });
          setPreviewError(null);
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          const status = (e as { status?: number }).status;
          setPreviewError(status === 429 ? t('posters.preview.busy') : ((e as { detail?: string | null }).detail ?? (e instanceof Error ? e.message : String(e))));
        })
        .finally(() => {
          if (!controller.signal.aborted) setRendering(false);
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [design, sample, workspace.slug, canConfigure, t]);
  useEffect(() => () => void (lastUrl.current && URL.revokeObjectURL(lastUrl.current)), []);

  const onImage = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      set({ backgroundImage: await shrinkImage(file, MAX_POSTER_IMAGE_BYTES) });
      setError(null);
    } catch {
      setError(t('posters.image.unreadable', { kb: Math.round(MAX_POSTER_IMAGE_BYTES / 1024) }));
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const saved = draft.id === null ? await createPosterTemplate(workspace.slug, name, design) : await updatePosterTemplate(draft.id, name, design);
      onSaved(saved.id);
    } catch (err) {
      setError((err as { detail?: string | null }).detail ?? (err instanceof Error ? err.message : String(err)));
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (draft.id === null || !window.confirm(t('posters.deleteConfirm', { name }))) return;
    try {
      await deletePosterTemplate(draft.id);
      onSaved(null);
    } catch (err) {
      setError((err as { detail?: string | null }).detail ?? (err instanceof Error ? err.message : String(err)));
    }
  };

  const bg = design.background;
  return (
    <section className="card posters__editor" data-testid="poster-editor">
      <div className="card__head">
        <h2 className="card__title">{draft.id === null ? t('posters.new') : t('posters.editing', { name: draft.name })}</h2>
        <button type="button" className="btn btn--secondary" onClick={onClose}>
          {t('posters.close')}
        </button>
      </div>
      <div className="posters__split">
        <form className="posters__form" onSubmit={save}>
          <label className="field">
            <span className="field__label">{t('posters.field.name')}</span>
            <input className="input" value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} data-testid="poster-name" />
          </label>
          <Group legend={t('posters.group.copy')}>
            <label className="field">
              <span className="field__label">{t('posters.field.title')}</span>
              <textarea className="input" rows={2} maxLength={MAX_POSTER_TITLE} value={design.title} onChange={(e) => set({ title: e.target.value })} data-testid="poster-title" />
            </label>
            <label className="field">
              <span className="field__label">{t('posters.field.body')}</span>
              <textarea className="input" rows={4} maxLength={MAX_POSTER_BODY} value={design.body} onChange={(e) => set({ body: e.target.value })} data-testid="poster-body" />
            </label>
            <p className="muted posters__hint">{t('posters.variables')}</p>
            <div className="posters__row">
              <ColorField label={t('posters.field.textColor')} value={design.textColor} onChange={(v) => set({ textColor: v })} />
              <label className="field">
                <span className="field__label">{t('posters.field.align')}</span>
                <select className="input" value={design.align} onChange={(e) => set({ align: e.target.value === 'left' ? 'left' : 'center' })}>
                  <option value="center">{t('posters.align.center')}</option>
                  <option value="left">{t('posters.align.left')}</option>
                </select>
              </label>
            </div>
            <div className="posters__row">
              <NumberField label={t('posters.field.titleSize')} value={design.titleSize} min={32} max={160} onChange={(n) => set({ titleSize: n })} />
              <NumberField label={t('posters.field.bodySize')} value={design.bodySize} min={20} max={96} onChange={(n) => set({ bodySize: n })} />
              <NumberField label={t('posters.field.textTop')} value={design.textTop} min={0} max={POSTER_HEIGHT - 100} onChange={(n) => set({ textTop: n })} />
            </div>
          </Group>
          <Group legend={t('posters.group.background')}>
            <label className="field">
              <span className="field__label">{t('posters.field.backgroundKind')}</span>
              <select
                className="input"
                value={bg.kind}
                onChange={(e) =>
                  set({
                    background:
                      e.target.value === 'solid'
                        ? { kind: 'solid', color: bg.kind === 'solid' ? bg.color : bg.from }
                        : { kind: 'gradient', from: bg.kind === 'solid' ? bg.color : bg.from, to: bg.kind === 'gradient' ? bg.to : '#ffffff', angle: 180 },
                  })
                }
              >
                <option value="gradient">{t('posters.bg.gradient')}</option>
                <option value="solid">{t('posters.bg.solid')}</option>
              </select>
            </label>
            <div className="posters__row">
              {bg.kind === 'solid' ? (
                <ColorField label={t('posters.field.color')} value={bg.color} onChange={(v) => set({ background: { kind: 'solid', color: v } })} />
              ) : (
                <>
                  <ColorField label={t('posters.field.from')} value={bg.from} onChange={(v) => set({ background: { ...bg, from: v } })} />
                  <ColorField label={t('posters.field.to')} value={bg.to} onChange={(v) => set({ background: { ...bg, to: v } })} />
                  <NumberField label={t('posters.field.angle')} value={bg.angle} min={0} max={359} onChange={(n) => set({ background: { ...bg, angle: n } })} />
                </>
              )}
            </div>
            <div className="posters__image">
              <label className="btn btn--secondary posters__upload">
                {design.backgroundImage ? t('posters.image.replace') : t('posters.image.add')}
                <input type="file" accept="image/png,image/jpeg,image/webp" onChange={onImage} className="visually-hidden" />
              </label>
              {design.backgroundImage && (
                <button type="button" className="link-button" onClick={() => set({ backgroundImage: null })}>
                  {t('posters.image.remove')}
                </button>
              )}
              <span className="muted">{t('posters.image.hint', { kb: Math.round(MAX_POSTER_IMAGE_BYTES / 1024) })}</span>
            </div>
          </Group>
          <Group legend={t('posters.group.placement')}>
            <p className="muted posters__hint">{t('posters.placementHint', { w: POSTER_WIDTH, h: POSTER_HEIGHT })}</p>
            <div className="posters__row">
              <NumberField label={t('posters.field.qrX')} value={design.qr.x} min={0} max={POSTER_WIDTH} onChange={(n) => set({ qr: { ...design.qr, x: n } })} />
              <NumberField label={t('posters.field.qrY')} value={design.qr.y} min={0} max={POSTER_HEIGHT} onChange={(n) => set({ qr: { ...design.qr, y: n } })} />
              <NumberField label={t('posters.field.qrSize')} value={design.qr.size} min={200} max={900} onChange={(n) => set({ qr: { ...design.qr, size: n } })} testId="poster-qr-size" />
            </div>
            <div className="posters__row">
              <NumberField label={t('posters.field.nameX')} value={design.memberName.x} min={0} max={POSTER_WIDTH} onChange={(n) => set({ memberName: { ...design.memberName, x: n } })} />
              <NumberField label={t('posters.field.nameY')} value={design.memberName.y} min={0} max={POSTER_HEIGHT} onChange={(n) => set({ memberName: { ...design.memberName, y: n } })} />
              <NumberField label={t('posters.field.nameSize')} value={design.memberName.size} min={20} max={120} onChange={(n) => set({ memberName: { ...design.memberName, size: n } })} />
            </div>
          </Group>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          {canConfigure && (
            <div className="posters__actions">
              <button type="submit" className="btn btn--primary" disabled={saving} data-testid="poster-save">
                {t('posters.save')}
              </button>
              {draft.id !== null && (
                <button type="button" className="btn btn--secondary" onClick={remove}>
                  {t('posters.delete')}
                </button>
              )}
            </div>
          )}
          {draft.id !== null && canAct && (
            <Group legend={t('posters.member.title')}>
              <p className="muted posters__hint">{t('posters.member.hint')}</p>
              <div className="posters__row">
                <label className="field">
                  <span className="field__label">{t('posters.member.id')}</span>
                  <input className="input" inputMode="numeric" value={member} onChange={(e) => setMember(e.target.value.replace(/\D/g, ''))} />
                </label>
                {member !== '' && (
                  <a className="btn btn--secondary posters__open" href={memberPosterUrl(draft.id, Number(member))} target="_blank" rel="noopener">
                    {t('posters.member.open')}
                  </a>
                )}
              </div>
            </Group>
          )}
        </form>
        <div className="posters__preview">
          <div className="posters__preview-head">
            <span className="field__label">{t('posters.preview.title')}</span>
            <span className="muted" aria-live="polite">
              {rendering ? t('posters.preview.rendering') : ''}
            </span>
          </div>
          <label className="field">
            <span className="field__label">{t('posters.preview.sample')}</span>
            <input className="input" value={sample} maxLength={100} placeholder={t('posters.preview.samplePlaceholder')} onChange={(e) => setSample(e.target.value)} />
          </label>
          {!canConfigure && <p className="muted">{t('posters.preview.needsConfigure')}</p>}
          {previewError && (
            <p className="form-error" role="alert" data-testid="poster-preview-error">
              {previewError}
            </p>
          )}
          {preview && (
            <img
              className={rendering ? 'posters__img is-stale' : 'posters__img'}
              src={preview.url}
              alt={t('posters.preview.alt')}
              width={POSTER_WIDTH}
              height={POSTER_HEIGHT}
              data-testid="poster-preview"
            />
          )}
          {preview?.truncated && <p className="muted">{t('posters.preview.truncated')}</p>}
        </div>
      </div>
    </section>
  );
}

/** Posters: the workspace's poster templates, and the editor with its live preview. */
export function PostersPage({ workspace, canConfigure, canAct }: { workspace: Workspace; canConfigure: boolean; canAct: boolean }) {
  const { t, fmt } = useI18n();
  useDocumentTitle(t('posters.title'));
  const list = useResource((signal) => fetchPosterTemplates(workspace.slug, signal), [workspace.slug]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const templates = list.data?.templates;

  const open = async (id: number) => {
    setOpening(null);
    try {
      const full = await fetchPosterTemplate(id);
      setDraft({ id: full.id, name: full.name, design: full.design });
    } catch (err) {
      setOpening(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('posters.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('posters.intro')}
          </p>
        </div>
        {canConfigure && !draft && (
          <button type="button" className="btn btn--primary" onClick={() => setDraft({ id: null, name: '', design: DEFAULT_POSTER_DESIGN })} data-testid="poster-new">
            {t('posters.new')}
          </button>
        )}
      </header>
      {draft && (
        <Editor
          key={draft.id ?? 'new'}
          workspace={workspace}
          draft={draft}
          canConfigure={canConfigure}
          canAct={canAct}
          onClose={() => setDraft(null)}
          onSaved={(id) => {
            list.reload();
            if (id === null) setDraft(null);
            else void open(id);
          }}
        />
      )}
      {!templates && list.loading && <LoadingState what={t('what.posters')} />}
      {!templates && list.error && <ErrorState what={t('what.posters')} error={list.error} onRetry={list.reload} />}
      {templates && (
        <section className="card">
          <div className="card__head">
            <h2 className="card__title">{t('posters.list')}</h2>
          </div>
          {list.error && <RefreshErrorBanner error={list.error} />}
          {opening && (
            <p className="form-error" role="alert">
              {opening}
            </p>
          )}
          {templates.length === 0 ? (
            <p className="muted">{t('posters.empty')}</p>
          ) : (
            <ul className="posters__list" data-testid="poster-templates">
              {templates.map((tpl) => (
                <li key={tpl.id} className="posters__item">
                  <span
                    className="posters__swatch"
                    aria-hidden="true"
                    style={{
                      background:
                        tpl.design.background.kind === 'solid'
                          ? tpl.design.background.color
                          : `linear-gradient(${tpl.design.background.angle}deg, ${tpl.design.background.from}, ${tpl.design.background.to})`,
                    }}
                  />
                  <span className="posters__item-main">
                    <strong>{tpl.name}</strong>
                    <span className="muted">
                      {tpl.campaigns.length > 0 ? t('posters.usedBy', { campaigns: tpl.campaigns.map((c) => c.name).join('、') }) : t('posters.unused')}
                      <span className="dot-sep" aria-hidden="true">
                        ·
                      </span>
                      {t('posters.updated', { when: fmt.dateTime(new Date(tpl.updatedAt).toISOString()) })}
                    </span>
                  </span>
                  <button type="button" className="btn btn--secondary" onClick={() => void open(tpl.id)}>
                    {canConfigure ? t('posters.edit') : t('posters.view')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
