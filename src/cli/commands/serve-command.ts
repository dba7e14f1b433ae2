import type { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { ROLES, startServer, type Role } from '../../server/serve.js';
import { UsageError } from '../cli-context.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the server: dashboard, API, dispatcher and scheduler (creates the demo on an empty database)')
    .option('-p, --port <n>', 'port (default: PORT or 3000)')
    .option('--roles <list>', `which roles this process runs: ${ROLES.join(',')}`, ROLES.join(','))
    .action(async (opts: { port?: string; roles: string }) => {
      const config = loadConfig();
      const roles = opts.roles
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (unknown.length) throw new UsageError(`unknown role ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
      const port = opts.port === undefined ? config.port : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not ${JSON.stringify(opts.port)}`);
      const server = await startServer(config, { port, roles: roles as Role[], print: (line) => process.stdout.write(`${line}\n`) });
      const stop = () => {
        process.stdout.write('Stopping…\n');
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
