/**
 * `npm run replay [-- --query Q] [--limit N] [--concurrency N] [--workflows PATH]`: replays the
 * histories of workflows on the configured Temporal server (default: the newest 1,000 order
 * workflows, open and closed) against the working tree's workflow code. Exits 1 when any history
 * does not replay. The work is in scripts/replay-workflows.ts.
 */
import { quietReplayLogs, replayCommand } from './replay-workflows.js';

quietReplayLogs();

try {
  const { exitCode, output } = await replayCommand(process.argv.slice(2));
  console.log(output);
  process.exitCode = exitCode;
} catch (error) {
  console.error(`replay: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
