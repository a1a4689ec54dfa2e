/**
 * The hub's logger: pino with the fields that may hold secrets or phone numbers redacted by path, and
 * every string (messages, error messages and stacks, nested values) scrubbed of phone-number-like digit
 * runs, JWTs, bearer credentials and password hashes. A driver error's message can quote a failed row,
 * so paths alone are not enough.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

/** Fields never printed, at the top level and one level down (`req.headers.authorization` too). */
export const REDACT_PATHS = [
  'password',
  'passwordHash',
  'token',
  'authorization',
  'cookie',
  'secret',
  'jwtSecret',
  'from',
  'to',
  'phone',
  'fromNumber',
  'toNumber',
  'number',
].flatMap((k) => [k, `*.${k}`]).concat(['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'handshake.auth.token']);

const PATTERNS: [RegExp, string][] = [
  [/\$argon2(?:id|i|d)\$[^\s"']+/g, '[hash]'],
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]'],
  [/\b(Bearer|Basic)\s+[^\s"']+/gi, '$1 [redacted]'],
  [/(password|passwd|pwd|secret)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2[redacted]'],
];
/** Digit runs with an optional + and spaces, dots or dashes between groups. */
const DIGITS = /(?<![\w.:])\+?\d[\d .-]{6,}\d(?![\w:])/g;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}/;

/** A phone number: 9 or more digits, and not an address or a date. */
function maskDigits(m: string): string {
  if (m.replace(/\D/g, '').length < 9 || IPV4.test(m) || DATE.test(m)) return m;
  return '[number]';
}

/** The string with secrets and phone numbers replaced. */
export function scrub(s: string): string {
  let out = s;
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  return out.replace(DIGITS, maskDigits);
}

function scrubDeep(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return scrub(v);
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (v instanceof Error) return errSerializer(v);
  if (Array.isArray(v)) return v.map((x) => scrubDeep(x, depth + 1));
  if (v instanceof Date || Buffer.isBuffer(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = scrubDeep(x, depth + 1);
  return out;
}

function errSerializer(e: unknown): unknown {
  // `{ err: err.message }`: a plain string (spread below, it would print one key per character).
  if (e === null || typeof e !== 'object') return scrubDeep(e);
  const s = pino.stdSerializers.err(e as Error) as unknown as Record<string, unknown>;
  // A driver error carries the failed statement's values (`detail`, `parameters`, `where`): never print them.
  for (const k of ['detail', 'parameters', 'params', 'where', 'query', 'internalQuery']) delete s[k];
  return scrubDeep({ ...s });
}

export interface SafeLoggerOptions {
  /** @defaultValue 'info' */
  level?: string;
}

export function createLogger(opts: SafeLoggerOptions = {}, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: errSerializer, error: errSerializer },
    formatters: { log: (o) => scrubDeep(o) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
