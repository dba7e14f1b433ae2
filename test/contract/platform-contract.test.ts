import { describe, expect, it } from 'vitest';
import { platformModules, registerPlatform } from '../../src/platforms/platform-registry.js';
import { runPlatformContract, type PlatformFixture } from './adapter-contract.js';
import { discordFixture } from './fixtures/discord-fixture.js';
import { sandboxFixture } from './fixtures/sandbox-fixture.js';
import { telegramFixture } from './fixtures/telegram-fixture.js';
import { walkieFixture, walkiePlatform } from './fixtures/test-platform.js';
import { wechatFixture } from './fixtures/wechat-fixture.js';

// A platform that exists only here, plugged in at run time: nothing else in Hearth names it.
registerPlatform(walkiePlatform);

/** How each platform is faked for the contract. A registered platform without one fails below. */
const FIXTURES: Record<string, PlatformFixture> = {
  sandbox: sandboxFixture,
  telegram: telegramFixture,
  wechat: wechatFixture,
  discord: discordFixture,
  walkie: walkieFixture,
};

describe('the platform registry', () => {
  it('holds the four platforms Hearth ships and the test platform, each with a contract fixture', () => {
    const names = platformModules().map((m) => m.platform);
    expect(names).toEqual(['sandbox', 'telegram', 'wechat', 'discord', 'walkie']);
    for (const name of names) expect(FIXTURES, `a contract fixture for ${name}`).toHaveProperty([name]);
  });

  it('refuses a second platform of the same name', () => {
    expect(() => registerPlatform(walkiePlatform)).toThrow(/already registered/);
  });
});

// One loop over the registry: every platform passes the same contract.
for (const module of platformModules())
  runPlatformContract(module, FIXTURES[module.platform] ?? { name: 'no fixture', setup: () => Promise.reject(new Error(`no contract fixture for ${module.platform}`)) });
