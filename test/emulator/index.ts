/**
 * A local HTTP emulator of the SelfCommunity v2 and Tines APIs, for tests, benchmarks and the demo.
 * Three servers on 127.0.0.1: SelfCommunity, Tines, and an "other origin" that only logs. Seeded
 * deterministic data, the documented semantics (the vote toggle table, paging links, error bodies),
 * fault injection and a request log. Node's `http` only.
 *
 *   const emu = await startEmulator({ seed: 7, sc: { statuses: 200 } });
 *   const alice = emu.users[0]; // alice.scToken, alice.tinesToken, alice.email
 *   emu.fault({ method: 'POST', path: /\/vote\/$/, reset: true, applyFirst: true, times: 1 });
 *   emu.oauth.browserUser = 'bob'; // who approves on `${emu.selfcommunityUrl}/oauth/authorize/`
 *   await emu.close();
 */
import { Faults } from './faults';
import { RateLimits } from './rateLimits';
import { Modes } from './modes';
import { OAuthServer } from './oauth';
import { OtherApp } from './other';
import { ScWorld, scConfig } from './sc-data';
import { ScViews } from './sc-views';
import { SelfCommunityApp } from './selfcommunity';
import { EmuServer, type Shared } from './server';
import { TinesApp } from './tines';
import { TinesWorld, tinesConfig } from './tines-data';
import type { Emulator, EmulatorOptions, ScState, TinesState } from './types';
import { TINES_SERVICE, USERS } from './users';

export type * from './types';
export { OAUTH_DEMO_CLIENT_ID, OAUTH_STRICT_CLIENT_ID } from './oauth';

function normalizePrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').trim().replace(/\/+$/, '');
  if (!p) return '';
  if (/[?#\s]/.test(p)) throw new Error(`scPrefix "${prefix}" must be a plain path such as /community`);
  return p.startsWith('/') ? p : `/${p}`;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const seed = Math.floor(opts.seed ?? 1);
  const host = opts.host ?? '127.0.0.1';
  const prefix = normalizePrefix(opts.scPrefix);
  const scWorld = new ScWorld(scConfig(seed, opts.sc));
  const scViews = new ScViews(scWorld);
  const tinesWorld = new TinesWorld(tinesConfig(seed, opts.tines));
  const oauth = new OAuthServer(opts.oauth);
  const modes = new Modes(opts.churn, opts.hostile, opts.ghost);

  const requests: Emulator['requests'] = [];
  const otherRequests: Emulator['requests'] = [];
  const faults = new Faults();
  const shared: Shared = {
    requests,
    otherRequests,
    faults,
    limits: new RateLimits(opts.rateLimits),
    latencyMs: Math.max(0, opts.latencyMs ?? 0),
    otherUrl: '',
    onRequest: opts.onRequest,
  };

  const servers = [
    new EmuServer(new SelfCommunityApp(scWorld, prefix, oauth, modes), shared),
    new EmuServer(new TinesApp(tinesWorld, modes), shared),
    new EmuServer(new OtherApp(), shared),
  ];
  const ports = [opts.port ?? opts.scPort ?? 0, opts.tinesPort ?? 0, opts.otherPort ?? 0];
  const started: EmuServer[] = [];
  try {
    for (let i = 0; i < servers.length; i++) {
      await servers[i].listen(host, ports[i]);
      started.push(servers[i]);
    }
  } catch (e) {
    await Promise.all(started.map((s) => s.close()));
    throw e;
  }
  const [sc, tines, other] = servers;
  shared.otherUrl = other.origin;

  const scState: ScState = {
    get: (type, id) => scViews.raw(type, id),
    voteOf: (type, id, user) => scWorld.voteOf(type, id, user),
    setVote: (type, id, user, reactionId) => scWorld.setVote(type, id, user, reactionId),
    delete: (type, id) => scWorld.delete(type, id),
    votesOf: (user) => scWorld.votesOf(user),
    addItem: (type, fields) => scWorld.addItem(type, fields),
  };
  const tinesState: TinesState = {
    reactionsOf: (user) => tinesWorld.reactionsOf(user),
    addReaction: (caseId, commentId, user, value) => tinesWorld.addReaction(caseId, commentId, user, value),
    removeReaction: (caseId, commentId, user, value) => tinesWorld.removeReaction(caseId, commentId, user, value),
    deleteComment: (caseId, commentId) => tinesWorld.deleteComment(caseId, commentId),
    deleteCase: (caseId) => tinesWorld.deleteCase(caseId),
    touchCase: (caseId) => tinesWorld.touchCase(caseId),
    getCase: (caseId) => {
      const c = tinesWorld.caseById(caseId);
      return c && tinesWorld.caseJson(tines.origin, c);
    },
    getComment: (caseId, commentId) => {
      const cm = tinesWorld.commentOf(caseId, commentId);
      return cm && tinesWorld.commentJson(tines.origin, cm);
    },
  };

  let closed: Promise<void> | undefined;
  return {
    selfcommunityUrl: sc.origin + prefix,
    tinesUrl: tines.origin,
    otherOrigin: { url: other.origin, requests: otherRequests },
    users: USERS.map((u) => ({ ...u })),
    tinesServiceKey: TINES_SERVICE.key,
    seed,
    requests,
    clearLog() {
      requests.length = 0;
      otherRequests.length = 0;
    },
    setLatency(ms: number) {
      shared.latencyMs = Math.max(0, ms);
    },
    fault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    sc: scState,
    tines: tinesState,
    oauth: oauth.control(),
    setChurn: (churn) => modes.setChurn(churn),
    churnLog: modes.log,
    get hostile() {
      return modes.hostile;
    },
    set hostile(h) {
      modes.hostile = { ...h };
    },
    setRateLimits: (limits) => shared.limits.set(limits),
    rateStats: () => shared.limits.stats,
    resetRateStats: () => shared.limits.resetStats(),
    setGhost: (ghost) => modes.ghosts.set(ghost),
    ghostLog: modes.ghosts.log,
    close() {
      faults.clear();
      modes.ghosts.close();
      closed ??= Promise.all(servers.map((s) => s.close())).then(() => undefined);
      return closed;
    },
  };
}
