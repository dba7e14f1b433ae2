import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An empty directory, fresh per run, where the first suite that needs the demo builds it once (test/helpers/demo-server.ts). */
    demoTemplateDir: string;
  }
}

/** Vitest global set-up: a place for this run's demo template, removed when the run ends. */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-demo-template-'));
  project.provide('demoTemplateDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
