import { z } from 'zod';
import type { Middleware } from '../core/composer.js';
import { MAX_TEMPLATE_LENGTH, MAX_WELCOME_DELAY_SECONDS, WELCOME_DEFAULTS, type WelcomeConfig, type WelcomeValues } from '../shared/automation-defaults.js';
import { fillTemplate } from '../shared/fill-template.js';

/** A stored welcome config, validated, with the shared defaults filled in. */
export const welcomeConfigSchema = z.object({
  /** Placeholders: {name} the newcomer, {group} the group, {count} members now. */
  template: z.string().min(1).max(MAX_TEMPLATE_LENGTH).default(WELCOME_DEFAULTS.template),
  /** Seconds to wait before welcoming, so a newcomer is greeted after the join settles. */
  delaySeconds: z.number().int().min(0).max(MAX_WELCOME_DELAY_SECONDS).default(WELCOME_DEFAULTS.delaySeconds),
  /** Greet only a member's first join, not every return. */
  firstJoinOnly: z.boolean().default(WELCOME_DEFAULTS.firstJoinOnly),
  /** Mention the newcomer so the platform notifies them. */
  mention: z.boolean().default(WELCOME_DEFAULTS.mention),
}) satisfies z.ZodType<WelcomeConfig>;
export type { WelcomeConfig };

/** Greets members who join, from the group's template. Bots are not greeted. */
export function welcomeRule(config: WelcomeConfig): Middleware {
  return (ctx, next) => {
    const { event, member, group } = ctx;
    if (event.kind === 'member.joined' && !member.isBot && (!config.firstJoinOnly || member.joinsInGroup === 1)) {
      const values: WelcomeValues = { name: member.displayName, group: group.name, count: group.memberCount };
      ctx.act(
        'welcome',
        {
          type: 'send_message',
          groupId: group.id,
          text: fillTemplate(config.template, values),
          mentions: config.mention ? [member.id] : [],
        },
        { delaySeconds: config.delaySeconds },
      );
    }
    next();
  };
}
