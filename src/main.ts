/**
 * `npm start`: load the configuration, start Jamii, stop cleanly on SIGINT/SIGTERM.
 */
import { ConfigError, loadConfig } from './config.js';
import { startJamii } from './app.js';
import { createLogger } from './observability/logger.js';
import { PromptError } from './llm/prompt-registry.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger({ level: config.logLevel, secrets: config.secrets });
  let jamii;
  try {
    jamii = await startJamii(config, { log });
  } catch (error) {
    if (error instanceof PromptError) log.fatal({ code: error.code }, error.message);
    else log.fatal({ err: error }, 'jamii.start_failed');
    log.flush();
    process.exitCode = 1;
    return;
  }
  const shutdown = (signal: string) => {
    log.info({ signal }, 'jamii.stopping');
    const force = setTimeout(() => {
      log.error({ signal }, 'jamii.shutdown_timeout');
      log.flush();
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000);
    force.unref();
    void jamii.stop().then(() => {
      log.flush();
      process.exitCode = 0;
    });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
