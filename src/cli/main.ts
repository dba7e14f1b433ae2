#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/env.js';
import { UsageError } from './cli-context.js';
import { registerActivationCommand } from './commands/activation-command.js';
import { registerAlertsCommand } from './commands/alerts-command.js';
import { registerBackupCommand } from './commands/backup-command.js';
import { registerBenchCommand } from './commands/bench-command.js';
import { registerBroadcastCommand } from './commands/broadcast-command.js';
import { registerChainCommand } from './commands/chain-command.js';
import { registerVoteCommand } from './commands/vote-command.js';
import { registerCouponCommand } from './commands/coupon-command.js';
import { registerDrawCommand } from './commands/draw-command.js';
import { registerPosterCommand } from './commands/poster-command.js';
import { registerPointsCommand } from './commands/points-command.js';
import { registerLinkCommand } from './commands/link-command.js';
import { registerCampaignCommand } from './commands/campaign-command.js';
import { registerAutomationCommand } from './commands/automation-command.js';
import { registerConnectionCommand } from './commands/connection-command.js';
import { registerEnforcementCommand } from './commands/enforcement-command.js';
import { registerGrowthCommand } from './commands/growth-command.js';
import { registerGroupCommand } from './commands/group-command.js';
import { registerImportCommand } from './commands/import-command.js';
import { registerMemberCommand } from './commands/member-command.js';
import { registerMetricsCommand } from './commands/metrics-command.js';
import { registerMigrateCommand } from './commands/migrate-command.js';
import { registerRestoreCommand } from './commands/restore-command.js';
import { registerSandboxCommand } from './commands/sandbox-command.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerSpamCommand } from './commands/spam-command.js';
import { registerTokenCommand } from './commands/token-command.js';
import { registerUserCommand } from './commands/user-command.js';
import { registerWorkspaceCommand } from './commands/workspace-command.js';

const program = new Command('hearth').description('Hearth: keep community groups alive, measured and converting').showHelpAfterError().exitOverride();

registerServeCommand(program);
registerSandboxCommand(program);
registerMetricsCommand(program);
registerGroupCommand(program);
registerImportCommand(program);
registerMemberCommand(program);
registerConnectionCommand(program);
registerAutomationCommand(program);
registerMigrateCommand(program);
registerBackupCommand(program);
registerRestoreCommand(program);
registerBenchCommand(program);
registerWorkspaceCommand(program);
registerUserCommand(program);
registerTokenCommand(program);
registerAlertsCommand(program);
registerEnforcementCommand(program);
registerActivationCommand(program);
registerGrowthCommand(program);
registerChainCommand(program);
registerVoteCommand(program);
registerCouponCommand(program);
registerDrawCommand(program);
registerPosterCommand(program);
registerPointsCommand(program);
registerLinkCommand(program);
registerCampaignCommand(program);
registerBroadcastCommand(program);
registerSpamCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const known = error instanceof UsageError || error instanceof ConfigError || (error instanceof Error && /NotFound|Sandbox|Invalid|MemberLink|Automation|Backup/.test(error.name));
  process.stderr.write(`hearth: ${error instanceof Error ? error.message : String(error)}\n`);
  if (!known && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}
