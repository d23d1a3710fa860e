/**
 * `vantage serve`: wiring only — configuration → store → app → listen, and a graceful stop on
 * SIGTERM/SIGINT. Prints the demo project's keys once on the first start.
 */
import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { startCollector } from './server.js';

/** Run the collector until SIGTERM or SIGINT. */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger(config.logLevel);
  const collector = await startCollector(config, { log });
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded store in ${config.dataDir}`;
  const lines: string[] = [];
  if (collector.demo) {
    const pk = collector.demo.keys.find((k) => k.kind === 'pk');
    const sk = collector.demo.keys.find((k) => k.kind === 'sk');
    lines.push(
      `Created the demo project "${collector.demo.project.name}" (${collector.demo.project.id}).`,
      'Its keys are shown this once; keep them:',
      `  publishable key (browsers): ${pk?.token}`,
      `  secret key (servers):       ${sk?.token}`,
      `Dashboard sign-in, shown once: ${collector.demo.operator.email} / ${collector.demo.operator.password}`,
      '',
    );
  }
  lines.push(`Dashboard: ${collector.url}/`);
  if (collector.demoUrl) lines.push(`Demo scene: ${collector.demoUrl}`);
  // The start line comes last, in the same write: whoever waits for it has the keys too.
  lines.push(`Vantage collector on ${collector.url} — ${where}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    log.info({ signal }, 'stopping: draining accepted batches');
    collector.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
