/**
 * The lab server alone in its own process (no guide), so bench:workshop can measure its CPU and
 * memory apart from the simulated class. Configured by the environment; prints its URL as one line.
 */
import { loadConfig } from '../lab-server/config';
import { createLabServer, PROJECT_ROOT } from '../lab-server/http/server';
import { createLogger } from '../lab-server/log';

const config = loadConfig([], { ...process.env, PORT: '0' }, PROJECT_ROOT);
const lab = await createLabServer(config, { serveSite: false, logger: createLogger(config.logLevel, false) });
const url = await lab.listen();
process.stdout.write(`${JSON.stringify({ url })}\n`);
const stop = () => void lab.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
