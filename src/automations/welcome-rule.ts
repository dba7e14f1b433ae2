import { z } from 'zod';
import type { Middleware } from '../core/composer.js';
import { fillTemplate } from './template.js';

export const welcomeConfigSchema = z.object({
  /** Placeholders: {name} the newcomer, {group} the group, {count} members now. */
  template: z.string().min(1).max(2000).default('Welcome {name} to {group}! Please read the group rules and introduce yourself.'),
  /** Seconds to wait before welcoming, so a newcomer is greeted after the join settles. */
  delaySeconds: z.number().int().min(0).max(3600).default(0),
  /** Greet only a member's first join, not every return. */
  firstJoinOnly: z.boolean().default(true),
  /** Mention the newcomer so the platform notifies them. */
  mention: z.boolean().default(true),
});
export type WelcomeConfig = z.infer<typeof welcomeConfigSchema>;

/** Greets members who join, from the group's template. Bots are not greeted. */
export function welcomeRule(config: WelcomeConfig): Middleware {
  return (ctx, next) => {
    const { event, member, group } = ctx;
    if (event.kind === 'member.joined' && !member.isBot && (!config.firstJoinOnly || member.joinsInGroup === 1)) {
      ctx.act(
        'welcome',
        {
          type: 'send_message',
          groupId: group.id,
          text: fillTemplate(config.template, { name: member.displayName, group: group.name, count: group.memberCount }),
          mentions: config.mention ? [member.id] : [],
        },
        { delaySeconds: config.delaySeconds },
      );
    }
    next();
  };
}
