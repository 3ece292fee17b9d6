/**
 * The cache file format: `{version, accountId, savedAt, complete, reactions, checkpoint?}`. `reactions`
 * are copies of the store's Reaction objects with only their known fields (no raw API objects, never a
 * token); `complete` says the set came from a listing that saw everything (an incremental refresh may
 * build on it). The file name is a hash of the account id: filesystem-safe, and it does not show the host.
 */
import { createHash } from 'crypto';
import { parseJsonBytes } from '../json';
import { errorText, type Logger } from '../log';
import { plainReaction, upgradeDates, type Reaction } from '../model';
import type { ScanCheckpoint } from '../services/service';

/** 2: dates are numbers (ms since the epoch). A version-1 file (ISO strings) is still read. */
export const CACHE_VERSION = 2;
export const FILE_PREFIX = 'reactions-cache-';
export const FILE_SUFFIX = '.json';
export const TEMP_SUFFIX = '.tmp';

export interface CacheEntry {
  readonly version: typeof CACHE_VERSION;
  readonly accountId: string;
  /** ISO date of the save. */
  readonly savedAt: string;
  /** The set came from a listing that saw everything (not a cancelled or failed one). */
  readonly complete: boolean;
  readonly reactions: Reaction[];
  /** Where the next refresh starts from (only with a complete set). */
  readonly checkpoint?: ScanCheckpoint;
}

/** The cache file's name for an account: a hash of its id (filesystem-safe, no host in it). */
export function cacheFileName(accountId: string): string {
  return `${FILE_PREFIX}${createHash('sha256').update(accountId, 'utf8').digest('hex').slice(0, 32)}${FILE_SUFFIX}`;
}

export function isCacheFileName(name: string): boolean {
  return name.startsWith(FILE_PREFIX) && (name.endsWith(FILE_SUFFIX) || name.endsWith(TEMP_SUFFIX));
}

const str = (x: unknown): x is string => typeof x === 'string';
const optStr = (x: unknown): boolean => x === undefined || typeof x === 'string';
const optTime = (x: unknown): boolean => x === undefined || (typeof x === 'number' && Number.isFinite(x));

export { plainReaction };

/** Whether a parsed value has the shape of a Reaction of the account (every field the right type). */
function isCachedReaction(x: unknown, accountId: string): x is Reaction {
  if (!x || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  const t = r.target as Record<string, unknown> | undefined;
  const k = r.kind as Record<string, unknown> | undefined;
  if (!str(r.id) || r.accountId !== accountId || !optTime(r.reactedAt)) return false;
  if (!t || typeof t !== 'object' || !str(t.type) || !str(t.id) || !str(t.excerpt)) return false;
  if (!optStr(t.url) || !optTime(t.createdAt) || !optStr(t.author)) return false;
  if (t.parent !== undefined) {
    const p = t.parent as Record<string, unknown> | null;
    if (!p || typeof p !== 'object' || !str(p.type) || !str(p.id) || !optStr(p.title)) return false;
  }
  if (!k || typeof k !== 'object' || !str(k.id) || !str(k.label) || !optStr(k.emoji)) return false;
  return k.active === undefined || typeof k.active === 'boolean';
}

function isCheckpoint(x: unknown): x is ScanCheckpoint {
  if (!x || typeof x !== 'object') return false;
  const c = x as Partial<ScanCheckpoint>;
  return (
    (c.service === 'selfcommunity' || c.service === 'tines') &&
    typeof c.at === 'string' &&
    !Number.isNaN(Date.parse(c.at)) &&
    (c.data === undefined || (typeof c.data === 'object' && c.data !== null))
  );
}

/** Reactions encoded or checked per slice: a slice is a few ms of work, then other work runs. */
const SLICE = 1000;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The file's text for an account's reactions, in parts (for a streamed write): tens of thousands of
 * reactions are encoded a slice at a time, so a save never holds the extension host for long.
 */
export async function* encodeEntry(
  accountId: string,
  reactions: readonly Reaction[],
  complete: boolean,
  checkpoint: ScanCheckpoint | undefined,
  savedAt: Date,
): AsyncGenerator<string> {
  const head = JSON.stringify({ version: CACHE_VERSION, accountId, savedAt: savedAt.toISOString(), complete });
  yield `${head.slice(0, -1)},"reactions":[`;
  for (let i = 0; i < reactions.length; i += SLICE) {
    if (i) await nextTurn();
    const part = reactions
      .slice(i, i + SLICE)
      .map((r) => JSON.stringify(plainReaction(r)))
      .join(',');
    yield i ? `,${part}` : part;
  }
  yield `]${complete && checkpoint ? `,"checkpoint":${JSON.stringify(checkpoint)}` : ''}}`;
}

/**
 * The entry in a file's bytes, or undefined (corrupt, another version, another account's, malformed),
 * with a log line that says which. Malformed reactions are skipped, and the set is then not complete.
 * Parsed and checked in pieces (a warm start with tens of thousands of reactions does not freeze the host).
 */
export async function decodeEntry(
  bytes: Buffer,
  accountId: string,
  fileName: string,
  logger: Logger,
): Promise<CacheEntry | undefined> {
  const data = await parseJsonBytes(bytes);
  if (data === undefined) {
    logger.warn(`cache: the cache of ${accountId} is corrupt (${syntaxError(bytes)}); ignoring it`);
    return undefined;
  }
  const d = (data && typeof data === 'object' ? data : {}) as Partial<Record<keyof CacheEntry, unknown>>;
  const upgrade = d.version === 1;
  if (d.version !== CACHE_VERSION && !upgrade) {
    logger.info(
      `cache: the cache of ${accountId} has version ${JSON.stringify(d.version)}, not ${CACHE_VERSION}; ignoring it`,
    );
    return undefined;
  }
  if (d.accountId !== accountId) {
    logger.warn(`cache: ${fileName} belongs to another account; ignoring it`);
    return undefined;
  }
  if (!Array.isArray(d.reactions) || !str(d.savedAt) || Number.isNaN(Date.parse(d.savedAt))) {
    logger.warn(`cache: the cache of ${accountId} is malformed; ignoring it`);
    return undefined;
  }
  const reactions: Reaction[] = [];
  let skipped = 0;
  for (let i = 0; i < d.reactions.length; i++) {
    if (i && i % SLICE === 0) await nextTurn();
    const r: unknown = d.reactions[i];
    if (upgrade) upgradeDates(r);
    if (isCachedReaction(r, accountId)) reactions.push(plainReaction(r));
    else skipped++;
  }
  if (skipped) logger.warn(`cache: skipped ${skipped} malformed reaction(s) in the cache of ${accountId}`);
  const complete = d.complete === true && skipped === 0;
  const checkpoint = complete && isCheckpoint(d.checkpoint) ? d.checkpoint : undefined;
  return {
    version: CACHE_VERSION,
    accountId,
    savedAt: d.savedAt,
    complete,
    reactions,
    ...(checkpoint ? { checkpoint } : {}),
  };
}

/** What JSON.parse says of a corrupt file (for the log line). */
function syntaxError(bytes: Buffer): string {
  try {
    JSON.parse(bytes.toString('utf8'));
    return 'not an object';
  } catch (e) {
    return errorText(e);
  }
}
