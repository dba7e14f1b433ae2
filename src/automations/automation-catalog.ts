import type { z } from 'zod';
import type { Middleware } from '../core/composer.js';
import { keywordReplyConfigSchema, keywordReplyRule } from './keyword-reply-rule.js';
import { welcomeConfigSchema, welcomeRule } from './welcome-rule.js';

interface AutomationKind<S extends z.ZodType> {
  schema: S;
  build(config: z.infer<S>): Middleware;
}

/** Every kind of automation an operator can configure, by the name stored with it. */
export const automationCatalog = {
  welcome: { schema: welcomeConfigSchema, build: welcomeRule },
  'keyword-reply': { schema: keywordReplyConfigSchema, build: keywordReplyRule },
} satisfies Record<string, AutomationKind<z.ZodType>>;

export type AutomationKindName = keyof typeof automationCatalog;

export function isAutomationKind(name: string): name is AutomationKindName {
  return Object.hasOwn(automationCatalog, name);
}

export class InvalidAutomationError extends Error {
  override readonly name = 'InvalidAutomationError';
}

/** Validates an automation's stored config and builds its middleware. */
export function buildAutomation(kind: string, config: unknown): Middleware {
  if (!isAutomationKind(kind)) throw new InvalidAutomationError(`unknown automation kind: ${kind} (known: ${Object.keys(automationCatalog).join(', ')})`);
  const entry = automationCatalog[kind] as AutomationKind<z.ZodType>;
  const parsed = entry.schema.safeParse(config);
  if (!parsed.success) {
    throw new InvalidAutomationError(`invalid ${kind} config: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ')}`);
  }
  return entry.build(parsed.data);
}
