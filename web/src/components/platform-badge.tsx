import { platformLabel, useI18n } from '../i18n.js';

const KNOWN = new Set(['wechat', 'telegram', 'discord', 'sandbox']);

/** A coloured chip naming a group's platform. */
export function PlatformBadge({ platform }: { platform: string }) {
  const { t } = useI18n();
  // Only known ids become class names; anything else gets the neutral style.
  const variant = KNOWN.has(platform) ? platform : 'other';
  return <span className={`platform platform--${variant}`}>{platformLabel(t, platform)}</span>;
}
