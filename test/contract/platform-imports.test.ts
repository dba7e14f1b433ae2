import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const PLATFORMS = join(SRC, 'platforms');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every relative module a file imports or re-exports, `import type` and dynamic `import()` included, resolved to a path under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s)));
}

describe('platform folders depend only downwards', () => {
  it('no file under src/platforms/ imports from src/connections/ or src/runtime/ (or the server, CLI, outbox, ingest)', () => {
    const all = files(PLATFORMS);
    expect(all.length).toBeGreaterThan(20);
    const upward = all.flatMap((file) =>
      importsOf(file)
        .filter((target) => /^(connections|runtime|server|cli|outbox|ingest|queue)\//.test(target))
        .map((target) => `${relative(SRC, file)} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it("no platform folder imports another platform's folder: each is a module of its own", () => {
    const crossing = files(PLATFORMS).flatMap((file) => {
      const own = relative(PLATFORMS, file).split('/')[0]!;
      if (own.endsWith('.ts')) return []; // the shared files beside the folders (platform-module.ts, the registry)
      return importsOf(file)
        .filter((target) => target.startsWith('platforms/') && target.split('/').length > 2 && target.split('/')[1] !== own)
        .map((target) => `${relative(SRC, file)} → ${target}`);
    });
    expect(crossing).toEqual([]);
  });

  it('only the registry names the platform folders; connections/ and the runtime reach platforms through it', () => {
    const outside = [...files(join(SRC, 'connections')), ...files(join(SRC, 'server')), ...files(join(SRC, 'runtime'))].flatMap((file) =>
      importsOf(file)
        .filter((target) => /^platforms\/(telegram|wechat|discord)\//.test(target))
        .map((target) => `${relative(SRC, file)} → ${target}`),
    );
    expect(outside).toEqual([]);
  });

  it('finds an upward import when there is one (the scan itself works)', () => {
    expect(importsOf(join(SRC, 'connections', 'connection-supervisor.ts'))).toContain('platforms/platform-registry.js');
  });
});
