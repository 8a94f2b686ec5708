// The environment variables the configuration is read from: their names, types, ranges and
// defaults, checked together by zod (src/config.ts turns them into the Config).
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name such as `Asia/Tehran`, checked against the runtime's zone database. */
export const timeZoneSchema = z.string().min(1).refine(isIanaTimeZone, { message: 'must be an IANA time zone name such as Asia/Tehran' });

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const MAX_TRUSTED_PROXIES = 10;

/** An origin as browsers send it: scheme, host and optional port, nothing else. */
function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
}

/**
 * `false` (or `0`) trusts no proxy; `true` trusts one (a single nginx or Caddy in front);
 * a number trusts that many proxies in a chain. Anything else is refused rather than guessed.
 */
const trustedProxyCount = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => /^(true|false|yes|no|on|off|\d+)$/.test(value) && (!/^\d+$/.test(value) || Number(value) <= MAX_TRUSTED_PROXIES), {
    message: `must be false, true (one proxy) or the number of trusted proxies in front of the server (0 to ${MAX_TRUSTED_PROXIES})`,
  })
  .transform((value) => (/^\d+$/.test(value) ? Number(value) : ['true', 'yes', 'on'].includes(value) ? 1 : 0));

/** The environment variables the server reads, each parsed and checked; defaults where one is safe. */
export const environmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// connection URL' })
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' })
    .optional(),
  BEHFLOW_EVENT_RETENTION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(24),
  BEHFLOW_EVENT_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  BEHFLOW_TIMEZONE: timeZoneSchema.default('Asia/Tehran'),
  BEHFLOW_DATA_DIR: z.string().min(1).default('.behflow'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  BEHFLOW_GRAPHIQL: booleanFlag.optional(),
  BEHFLOW_PASSWORD_HASH: z.enum(['auto', 'bcrypt', 'argon2id']).default('auto'),
  BEHFLOW_INTROSPECTION: booleanFlag.optional(),
  BEHFLOW_IDEMPOTENCY_WINDOW_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
  BEHFLOW_MAX_STREAMS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  BEHFLOW_MAX_ANONYMOUS_STREAMS_PER_ADDRESS: z.coerce.number().int().min(0).max(100_000).default(8),
  BEHFLOW_CORS_ORIGINS: z
    .string()
    .trim()
    .refine((value) => value === '' || value.split(',').every((entry) => isOrigin(entry.trim())), {
      message: 'must be a comma-separated list of origins such as https://todo.example.com (scheme, host and port only)',
    })
    .default(''),
  BEHFLOW_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  BEHFLOW_SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(300_000).default(0),
  BEHFLOW_METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).max(512).optional(),
  BEHFLOW_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  BEHFLOW_SLOW_OPERATION_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  BEHFLOW_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  BEHFLOW_SESSION_TTL_DAYS: z.coerce.number().positive().max(365).default(30),
  BEHFLOW_SESSION_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  BEHFLOW_SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  BEHFLOW_ADMIN_USERNAMES: z.string().default(''),
  BEHFLOW_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  BEHFLOW_LOGIN_MAX_FAILURES_PER_USERNAME: z.coerce.number().int().min(1).max(10_000).default(5),
  BEHFLOW_LOGIN_MAX_FAILURES_PER_USERNAME_ANY_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
  BEHFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(30),
  BEHFLOW_REGISTER_WINDOW_SECONDS: z.coerce.number().int().min(1).max(604_800).default(3600),
  BEHFLOW_REGISTER_MAX_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(10),
  BEHFLOW_TRUST_PROXY: trustedProxyCount.default(0),
  BEHFLOW_SESSION_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(30),
  BEHFLOW_HOUSEKEEPING_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  BEHFLOW_SCHEDULER: booleanFlag.default(true),
  BEHFLOW_SCHEDULER_POLL_SECONDS: z.coerce.number().min(0.5).max(300).default(2),
  BEHFLOW_PROCESS_LEASE_SECONDS: z.coerce.number().int().min(3).max(3600).default(60),
  BEHFLOW_PROCESS_RECOVERY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  BEHFLOW_INSTANCE_NAME: z
    .string()
    .trim()
    .min(1)
    .max(200)
    // It lands in logs and in the execution history: one printable line.
    .regex(/^[^\p{Cc}]+$/u, { message: 'must be one line of printable characters' })
    .optional(),
  BEHFLOW_ASSISTANT_PROVIDER: z.enum(['builtin', 'openai']).optional(),
  BEHFLOW_LLM_BASE_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL such as https://api.openai.com/v1' })
    // Credentials in the URL would be quoted by every connection error message, into the logs.
    .refine((value) => URL.canParse(value) && new URL(value).username === '' && new URL(value).password === '', {
      message: 'must not contain a user name or password (user:pass@); put the API key in BEHFLOW_LLM_API_KEY',
    })
    .optional(),
  BEHFLOW_LLM_API_KEY: z.string().min(1).optional(),
  BEHFLOW_LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  BEHFLOW_LLM_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(60_000),
});

/** Every variable the configuration reads (deployment files are checked against this list). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);
