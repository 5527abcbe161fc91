import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * The one typed configuration of the lab. Every setting can come from a CLI flag
 * (`npm start -- --port 4000`) or an environment variable (`PORT=4000`); flags win.
 * The table in README.md is generated from the same descriptions, so keep them short.
 */
const portSchema = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 1 and 65535 (or 0 for any free port)')
  .max(65535, 'must be between 1 and 65535 (or 0 for any free port)');

const positiveInt = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be above 0');

const booleanish = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])])
  .transform((value) => value === true || value === '1' || value === 'true' || value === 'yes' || value === 'on');

export const configSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: portSchema.default(3000),
  publicUrl: z.url({ error: 'must be a full URL such as https://lab.example.org' }).optional(),
  dataDir: z.string().min(1).default('.lab-data'),
  dockerHost: z
    .string()
    .regex(/^(unix:\/\/\/.+|tcp:\/\/[^/]+|npipe:\/\/.+)$/, 'must look like unix:///var/run/docker.sock or tcp://host:2375')
    .default('unix:///var/run/docker.sock'),
  images: z.enum(['offline', 'upstream'], { error: 'must be "offline" or "upstream"' }).default('offline'),
  maxWorkspaces: positiveInt.default(100),
  maxWorkspacesPerIp: positiveInt.default(3),
  workspaceMemoryMb: positiveInt.default(512),
  workspaceCpus: z.coerce.number({ error: 'must be a number' }).positive('must be above 0').max(64).default(1),
  workspacePids: positiveInt.default(256),
  workspaceDiskMb: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').default(2048),
  idleTimeoutMinutes: positiveInt.default(30),
  ttlMinutes: positiveInt.default(120),
  maxTtlMinutes: positiveInt.default(240),
  warmPool: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').default(0),
  allowEgress: booleanish.default(false),
  instructorKey: z.string().min(12, 'must be at least 12 characters').max(200).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  dev: booleanish.default(false),
});

export type LabConfig = z.output<typeof configSchema>;
export type LabConfigInput = z.input<typeof configSchema>;

/** Flag name, environment variable and one-line description of each setting. */
export const settings: Record<keyof LabConfig, { flag: string; env: string; describe: string }> = {
  host: { flag: 'host', env: 'HOST', describe: 'Address to listen on (0.0.0.0 for a workshop server).' },
  port: { flag: 'port', env: 'PORT', describe: 'TCP port for the site, the API and the terminals.' },
  publicUrl: { flag: 'public-url', env: 'LAB_PUBLIC_URL', describe: 'URL learners type, when behind a reverse proxy (enables Secure cookies and the Origin check).' },
  dataDir: { flag: 'data-dir', env: 'LAB_DATA_DIR', describe: 'Where the lab keeps its state and logs (created if missing).' },
  dockerHost: { flag: 'docker-host', env: 'DOCKER_HOST', describe: 'Docker Engine endpoint.' },
  images: { flag: 'images', env: 'LAB_IMAGES', describe: '"offline" builds the image catalog from Debian packages; "upstream" pulls official images.' },
  maxWorkspaces: { flag: 'max-workspaces', env: 'LAB_MAX_WORKSPACES', describe: 'Workspaces running at once, over all learners.' },
  maxWorkspacesPerIp: { flag: 'max-workspaces-per-ip', env: 'LAB_MAX_WORKSPACES_PER_IP', describe: 'Workspaces one client address may hold.' },
  workspaceMemoryMb: { flag: 'workspace-memory-mb', env: 'LAB_WORKSPACE_MEMORY_MB', describe: 'Memory limit of one workspace, in MiB (no extra swap).' },
  workspaceCpus: { flag: 'workspace-cpus', env: 'LAB_WORKSPACE_CPUS', describe: 'CPU quota of one workspace, in cores.' },
  workspacePids: { flag: 'workspace-pids', env: 'LAB_WORKSPACE_PIDS', describe: 'Process limit of one workspace.' },
  workspaceDiskMb: { flag: 'workspace-disk-mb', env: 'LAB_WORKSPACE_DISK_MB', describe: 'Disk one learner’s lab may take (containers’ writable layers, volumes, home), checked every 30 s; over it, the lab is ended (0 = off).' },
  idleTimeoutMinutes: { flag: 'idle-timeout', env: 'LAB_IDLE_TIMEOUT_MINUTES', describe: 'Minutes without input before a workspace is stopped.' },
  ttlMinutes: { flag: 'ttl', env: 'LAB_TTL_MINUTES', describe: 'Lifetime of a workspace in minutes, before extensions.' },
  maxTtlMinutes: { flag: 'max-ttl', env: 'LAB_MAX_TTL_MINUTES', describe: 'Longest a learner can extend their workspace to, in minutes from its start.' },
  warmPool: { flag: 'warm-pool', env: 'LAB_WARM_POOL', describe: 'Workspaces kept started in advance, so a start takes no container boot (0 = off).' },
  allowEgress: { flag: 'allow-egress', env: 'LAB_ALLOW_EGRESS', describe: 'Let workspaces reach the internet.' },
  instructorKey: { flag: 'instructor-key', env: 'LAB_INSTRUCTOR_KEY', describe: 'Key for the instructor console (/instructor); generated, kept in the data dir and printed at start when unset.' },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL', describe: 'pino log level.' },
  dev: { flag: 'dev', env: 'LAB_DEV', describe: 'Run Next in development mode (hot reload).' },
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads flags and environment, validates them, and resolves paths. Throws ConfigError with one readable line. */
export function loadConfig(argv: string[] = process.argv.slice(2), env: Record<string, string | undefined> = process.env, cwd = process.cwd()): LabConfig {
  const booleanFlags = new Set<keyof LabConfig>(['allowEgress', 'dev']);
  const options = Object.fromEntries(
    (Object.keys(settings) as (keyof LabConfig)[]).map((key) => [settings[key].flag, { type: booleanFlags.has(key) ? ('boolean' as const) : ('string' as const) }]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Known flags: ${Object.values(settings).map((s) => `--${s.flag}`).join(' ')}`);
  }

  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(settings) as (keyof LabConfig)[]) {
    const { flag, env: envName } = settings[key];
    const fromFlag = values[flag];
    const fromEnv = env[envName];
    const value = fromFlag ?? (fromEnv === '' ? undefined : fromEnv);
    if (value !== undefined) raw[key] = value;
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] as keyof LabConfig;
    const where = settings[key] ? `--${settings[key].flag} / ${settings[key].env}` : String(key);
    throw new ConfigError(`Invalid setting ${where} (${JSON.stringify(raw[key])}): ${issue.message}.`);
  }
  const config = parsed.data;
  config.dataDir = path.resolve(cwd, config.dataDir.replace(/^~(?=$|\/)/, os.homedir()));
  return config;
}
