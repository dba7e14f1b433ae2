import { addPlatformName, type Platform } from '../core/platform-names.js';
import { discordPlatform } from './discord/discord-platform.js';
import type { PlatformModule } from './platform-module.js';
import { sandboxPlatform } from './sandbox/sandbox-platform.js';
import { telegramPlatform } from './telegram/telegram-platform.js';
import { wechatPlatform } from './wechat/wechat-platform.js';

/**
 * Every platform Hearth can run, by name. Adding a platform is adding its folder and
 * one line here; `connections/`, the runtime, the automations (capabilities, text
 * limits) and `GET /api/platforms` all read this list and never name a platform.
 */
const modules = new Map<Platform, PlatformModule>([
  [sandboxPlatform.platform, sandboxPlatform],
  [telegramPlatform.platform, telegramPlatform],
  [wechatPlatform.platform, wechatPlatform],
  [discordPlatform.platform, discordPlatform],
]);

/**
 * Adds a platform at run time: the contract suite registers a test-only platform
 * this way to prove a new folder plugs in with no change elsewhere. Its name becomes
 * valid in Events. Registering a name twice is refused.
 */
export function registerPlatform(module: PlatformModule): void {
  if (modules.has(module.platform)) throw new Error(`platform ${module.platform} is already registered`);
  addPlatformName(module.platform);
  modules.set(module.platform, module);
}

/** The module of a platform, or undefined when none is registered under that name. */
export function platformModule(platform: string): PlatformModule | undefined {
  return modules.get(platform);
}

/** Every registered module, built-in ones first. */
export function platformModules(): PlatformModule[] {
  return [...modules.values()];
}

/** The platforms an operator connects an account of: those with settings (the sandbox needs none). */
export function connectablePlatforms(): Platform[] {
  return platformModules()
    .filter((m) => m.settingsSchema !== null)
    .map((m) => m.platform);
}
