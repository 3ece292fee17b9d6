/**
 * Runs the emulator standalone (demo, benchmarks, manual testing):
 *
 *   npm run emulator -- [--port N] [--tines-port N] [--other-port N] [--host H]
 *                       [--statuses N] [--discussions N] [--posts N] [--comments N] [--no-reactions]
 *                       [--vote-rate R] [--cases N] [--case-comments N] [--reaction-rate R] [--latency MS] [--seed N] [--sc-prefix /x] [--json] [--quiet]
 *                       [--churn D,I[,SEED]] [--hostile MODE[,MODE…]] [--rate-limit SERVER=N/S[,…]]
 *                       [--ghost S,C[,DELAY_MS[,EVERY]]]
 *
 * With --port N, Tines listens on N+1 and the other origin on N+2 unless given. Prints the URLs, each
 * user's tokens and the OAuth demo client (users approve on the authorize page in the browser); with
 * --json, one JSON line and nothing else on stdout. Each request is logged to stderr (without tokens)
 * unless --quiet. Stops on SIGINT/SIGTERM.
 */
import { startEmulator, type Emulator, type EmulatorOptions, type LoggedRequest } from './index';

const USAGE = `Usage: npm run emulator -- [options]
  --port N            SelfCommunity port (Tines N+1, other origin N+2); default random
  --tines-port N      Tines port
  --other-port N      "other origin" port
  --host H            listen address (default 127.0.0.1)
  --statuses N        SelfCommunity statuses (default 30)
  --discussions N     SelfCommunity discussions (default 20)
  --posts N           SelfCommunity posts (default 10)
  --comments N        average comments per contribution (default 3)
  --no-reactions      a community with reactions turned off (plain upvotes)
  --vote-rate R       share of contributions alice voted on, 0–1 (default 0.45; comments 0.6 × R);
                      0.05 is closer to a real member's
  --cases N           Tines cases (default 12)
  --case-comments N   average comments per case (default 5)
  --reaction-rate R   share of case comments alice reacted to, 0–1 (default 0.5)
  --latency MS        added to every request
  --seed N            data seed (default 1)
  --sc-prefix /x      path prefix of the SelfCommunity API
  --churn D,I[,SEED]  a live community: each SelfCommunity contribution list request first deletes D
                      contributions and adds I at the head (seeded; alice votes on some)
  --hostile MODES     a misbehaving server, comma-separated: huge-count, next-loop, huge-body[=MB] (default
                      50), pathological-text[=N] (default 200000), null-reaction
  --rate-limit LIMITS rate limits, a sliding window, comma-separated SERVER=N/SECONDS: sc=600/60 (SelfCommunity,
                      per user: 429 + Retry-After, as Django REST), tines=5000/60 (per key: 429, no header);
                      "documented" = both of those
  --ghost S,C[,MS[,N]] removals that do not stick: of every N-th removal (default 10), S answer success but
                      stay, then C come back MS later (default 1000)
  --json              print one JSON line with the URLs and tokens, nothing else on stdout
  --quiet             do not log requests (they go to stderr, one line each, without tokens)`;

const SERVER_LABEL = { selfcommunity: 'SC   ', tines: 'Tines', other: 'OTHER' } as const;

/** One stderr line per request: time, server, method, path and query, status, duration, user. Never a token. */
function logLine(r: LoggedRequest): void {
  const t = new Date(r.time).toISOString().slice(11, 19);
  const q = Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : '';
  const status = r.status === 0 ? 'no answer' : String(r.status);
  const who = r.user ?? (r.headers.authorization ? 'unknown token' : 'no token');
  process.stderr.write(`${t} ${SERVER_LABEL[r.server]} ${r.method} ${r.path}${q} → ${status} ${r.ms} ms (${who})\n`);
}

function parse(argv: string[]): { options: EmulatorOptions; json: boolean } {
  const options: EmulatorOptions = { sc: {}, tines: {} };
  const sc = options.sc!;
  const tines = options.tines!;
  let json = false;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const num = (): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, got "${v}"`);
      return n;
    };
    switch (flag) {
      case '--port':
        options.port = num();
        break;
      case '--tines-port':
        options.tinesPort = num();
        break;
      case '--other-port':
        options.otherPort = num();
        break;
      case '--host':
        options.host = value();
        break;
      case '--statuses':
        sc.statuses = num();
        break;
      case '--discussions':
        sc.discussions = num();
        break;
      case '--posts':
        sc.posts = num();
        break;
      case '--comments':
        sc.commentsPerItem = num();
        break;
      case '--vote-rate':
        sc.voteRate = num();
        break;
      case '--reaction-rate':
        tines.reactionRate = num();
        break;
      case '--no-reactions':
        sc.reactionsEnabled = false;
        break;
      case '--cases':
        tines.cases = num();
        break;
      case '--case-comments':
        tines.commentsPerCase = num();
        break;
      case '--latency':
        options.latencyMs = num();
        break;
      case '--seed':
        options.seed = num();
        break;
      case '--sc-prefix':
        options.scPrefix = value();
        break;
      case '--churn': {
        const [deletes, inserts, seed] = value().split(',').map(Number);
        if (![deletes, inserts].every((n) => Number.isFinite(n) && n >= 0))
          throw new Error(`--churn needs D,I (numbers), got "${inline ?? argv[i]}"`);
        options.churn = { deletes, inserts, seed: Number.isFinite(seed) ? seed : undefined };
        break;
      }
      case '--hostile': {
        const hostile: NonNullable<EmulatorOptions['hostile']> = {};
        for (const mode of value().split(',')) {
          const [name, n] = mode.split('=');
          if (name === 'huge-count') hostile.hugeCount = true;
          else if (name === 'next-loop') hostile.nextLoop = true;
          else if (name === 'huge-body') hostile.hugeBodyMegabytes = Number(n) || 50;
          else if (name === 'pathological-text') hostile.pathologicalText = Number(n) || 200_000;
          else if (name === 'null-reaction') hostile.nullReaction = true;
          else throw new Error(`unknown --hostile mode "${mode}"`);
        }
        options.hostile = hostile;
        break;
      }
      case '--rate-limit':
        options.rateLimits = parseRateLimits(value());
        break;
      case '--ghost': {
        const [stay, comeBack, delayMs, every] = value().split(',').map(Number);
        if (![stay, comeBack].every((n) => Number.isInteger(n) && n >= 0))
          throw new Error(`--ghost needs S,C (whole numbers), got "${inline ?? argv[i]}"`);
        options.ghost = {
          stay,
          comeBack,
          delayMs: Number.isFinite(delayMs) ? delayMs : undefined,
          every: Number.isFinite(every) && every >= 1 ? every : undefined,
        };
        break;
      }
      case '--json':
        json = true;
        break;
      case '--quiet':
        quiet = true;
        break;
      case '-h':
      case '--help':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
      // falls through (unreachable)
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  if (options.port && options.tinesPort === undefined) options.tinesPort = options.port + 1;
  if (options.port && options.otherPort === undefined) options.otherPort = options.port + 2;
  if (!quiet) options.onRequest = logLine;
  return { options, json };
}

/** "sc=600/60,tines=5000/60" (or "documented") as rate limits. */
function parseRateLimits(text: string): NonNullable<EmulatorOptions['rateLimits']> {
  const limits: NonNullable<EmulatorOptions['rateLimits']> = {};
  const parts = text === 'documented' ? ['sc=600/60', 'tines=5000/60'] : text.split(',');
  for (const part of parts) {
    const m = /^(sc|selfcommunity|tines)=(\d+)\/(\d+(?:\.\d+)?)$/.exec(part.trim());
    if (!m || Number(m[2]) < 1 || Number(m[3]) <= 0)
      throw new Error(`--rate-limit needs SERVER=N/SECONDS (sc or tines), got "${part}"`);
    const spec = { requests: Number(m[2]), windowMs: Number(m[3]) * 1000 };
    if (m[1] === 'tines') limits.tines = spec;
    else limits.selfcommunity = spec;
  }
  return limits;
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const { options, json } = parsed;
  // Signal handlers first (before any await), so a stop during start-up is handled too.
  // Assigned once, after the signal handlers that read it are installed.
  // eslint-disable-next-line prefer-const
  let emu: Emulator | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!json) process.stderr.write(`\n${signal}: closing the emulator…\n`);
    (emu ? emu.close() : Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  emu = await startEmulator(options);
  if (stopping) return void (await emu.close());
  const info = {
    selfcommunityUrl: emu.selfcommunityUrl,
    tinesUrl: emu.tinesUrl,
    otherOriginUrl: emu.otherOrigin.url,
    users: emu.users,
    tinesServiceKey: emu.tinesServiceKey,
    oauth: {
      clientId: emu.oauth.clientId,
      strictClientId: emu.oauth.strictClientId,
      authorizeUrl: `${emu.selfcommunityUrl}/oauth/authorize/`,
      tokenUrl: `${emu.selfcommunityUrl}/oauth/token/`,
      revokeUrl: `${emu.selfcommunityUrl}/oauth/revoke_token/`,
      approval:
        'Users approve in the browser: the authorize page shows a "Signed in as" select (alice, bob, carol) and Authorize / Deny buttons.',
    },
  };
  if (json) {
    process.stdout.write(JSON.stringify(info) + '\n');
    return;
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  const e = emu;
  const lines = [
    `Reactions API emulator (seed ${e.seed})`,
    `  SelfCommunity  ${e.selfcommunityUrl}`,
    `  Tines          ${e.tinesUrl}`,
    `  Other origin   ${e.otherOrigin.url}   (logs requests; nothing should ever reach it)`,
    '',
    `  ${pad('user', 7)}${pad('SelfCommunity token', 22)}${pad('Tines API key', 24)}${pad('email', 20)}ids (SC / Tines)`,
    ...e.users.map(
      (u) =>
        `  ${pad(u.name, 7)}${pad(u.scToken, 22)}${pad(u.tinesToken, 24)}${pad(u.email, 20)}${u.scUserId} / ${u.tinesUserId}`,
    ),
    '',
    `  Tines service key (valid, but its owner is in no team): ${e.tinesServiceKey}`,
    '',
    '  OAuth (SelfCommunity)',
    `    client id  ${info.oauth.clientId}   (public, any redirect URI, PKCE optional; ${info.oauth.strictClientId}: registered redirect URIs only)`,
    `    authorize  ${info.oauth.authorizeUrl}?response_type=code&client_id=${info.oauth.clientId}&redirect_uri=…&state=…`,
    `    token      ${info.oauth.tokenUrl}   (form-encoded; password grant: alice / alice-password)`,
    `    ${info.oauth.approval}`,
    '',
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(`emulator failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
