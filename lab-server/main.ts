import { createServer } from 'node:net';
import { ConfigError, loadConfig } from './config';
import { createLabServer, PROJECT_ROOT } from './http/server';
import { createLogger } from './log';
import { runPreflight } from './preflight';
import { describeFailure, PreflightError } from './preflight/progress';

function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') return new PreflightError(`Port ${port} on ${host} is already in use.`, 'Stop the other program or choose another port: npm start -- --port 4000 (or PORT=4000).');
  if (error.code === 'EACCES') return new PreflightError(`Not allowed to listen on port ${port}.`, 'Ports below 1024 need root; choose a higher one: npm start -- --port 3000.');
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') return new PreflightError(`Cannot listen on ${host}: no such address on this machine.`, 'Use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface).');
  return error;
}

/** Fails fast on a busy or forbidden port, before minutes of preflight work. */
async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(listenFailure(error, host, port)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  await checkPortFree(config.host, config.port);
  const { docker } = await runPreflight(config, { projectRoot: PROJECT_ROOT, site: !config.dev, chromium: false });
  const logger = createLogger(config.logLevel);
  const lab = await createLabServer(config, { docker, logger });
  const url = await lab.listen().catch((error: NodeJS.ErrnoException) => {
    throw listenFailure(error, config.host, config.port);
  });
  logger.info({ url, publicUrl: config.publicUrl, dataDir: config.dataDir }, `Docker survival lab ready at ${config.publicUrl ?? url}`);
  const { key, source, file } = lab.instructorKey;
  const consoleUrl = new URL('/instructor', config.publicUrl ?? url).toString();
  if (source === 'config') logger.info(`Instructor console: ${consoleUrl} (key from --instructor-key / LAB_INSTRUCTOR_KEY)`);
  else logger.info({ keyFile: file }, `Instructor console: ${consoleUrl} — instructor key: ${key}`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    lab.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const expected = error instanceof PreflightError || error instanceof ConfigError;
  process.stderr.write(`\n✗ ${describeFailure(error)}\n`);
  process.exit(expected ? 2 : 1);
});
