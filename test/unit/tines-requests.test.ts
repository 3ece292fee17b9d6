/**
 * What a Tines listing costs in requests, counted in the emulator's log (over real HTTP): how many must
 * be answered, one after the other, before the first reactions reach the person, and how many a whole
 * listing of a tenant that does not change sends. Counts, never timings.
 */
import * as assert from 'assert';
import { Semaphore } from '../../src/core/async';
import { tines } from '../../src/core/services/tines';
import type { AccountService, ClientOptions } from '../../src/core/services/service';
import { startEmulator, type Emulator, type LoggedRequest } from '../emulator';
import { call, fastOptions, useEmulator } from '../support';

const alice = (emu: Emulator) => emu.users.find((u) => u.name === 'alice')!;

async function connectAlice(emu: Emulator, extra: ClientOptions = {}): Promise<AccountService> {
  const a = alice(emu);
  const options = fastOptions(undefined, extra);
  const account = await tines.signIn({ baseUrl: emu.tinesUrl, token: a.tinesToken, email: a.email }, options);
  return tines.connect(account, () => a.tinesToken, options);
}

/** GET on the tenant with alice's key, outside the client under test (then the log is cleared). */
async function tenantGet(emu: Emulator, path: string) {
  const r = await call(`${emu.tinesUrl}${path}`, { token: alice(emu).tinesToken });
  assert.strictEqual(r.status, 200, `${path}: ${r.text.slice(0, 100)}`);
  return r.json;
}

/** The newest case (the first a listing reads: the API's default order is CREATED_DESC), made to hold a reaction of alice. */
async function newestCaseWithMine(emu: Emulator): Promise<string> {
  const { cases } = await tenantGet(emu, '/api/v2/cases?per_page=1');
  const caseId = String(cases[0].case_id);
  const { comments } = await tenantGet(emu, `/api/v2/cases/${caseId}/comments?per_page=1`);
  assert.ok(comments.length, 'the newest case has a comment');
  emu.tines.addReaction(caseId, comments[0].id, 'alice', 'eyes');
  return caseId;
}

const answered = (emu: Emulator) => emu.requests.filter((r) => r.status !== 0);
const shape = (r: LoggedRequest) => `${r.method} ${r.path}`;

describe('Tines: the first batch needs two requests, one after the other (cases, then one case’s comments)', () => {
  // 120 cases on one page (a body large enough to be parsed in pieces, as a real tenant's 500-case page):
  // its cases are handed on while it is parsed.
  const emu = useEmulator({ seed: 32, tines: { cases: 120, commentsPerCase: 3 } });

  before(async () => {
    emu().setLatency(10);
  });
  after(() => emu().setLatency(0));

  it('one request at a time: the first batch comes when exactly the cases page and the newest case’s comments were answered', async () => {
    const newest = await newestCaseWithMine(emu());
    const service = await connectAlice(emu(), { maxConcurrency: 1 });
    emu().clearLog();
    let atFirst: string[] | undefined;
    let firstCase: string | undefined;
    for await (const batch of service.listReactions()) {
      if (atFirst) continue; // read to the end: no request is left in flight
      atFirst = answered(emu()).map(shape);
      firstCase = batch[0].target.parent?.id;
    }
    assert.deepStrictEqual(
      atFirst,
      ['GET /api/v2/cases', `GET /api/v2/cases/${newest}/comments`],
      'nothing is read before the cases, and the comments are read in the order of the cases page',
    );
    assert.strictEqual(firstCase, newest);
  });

  it('eight in flight, cases on several pages: the first batch’s comment request was sent when only the first cases page had been answered', async () => {
    // 150 cases, 60 a page: three pages of cases, whose next pages are read ahead of the comments.
    const e = await tenant(150, 60);
    let firstCase: string | undefined;
    let answeredAtFirst = 0;
    try {
      const service = await connectAlice(e);
      e.clearLog();
      for await (const batch of service.listReactions()) {
        if (firstCase) continue;
        firstCase = batch[0].target.parent?.id;
        answeredAtFirst = answered(e).length;
      }
    } finally {
      await e.close();
    }
    const log = [...e.requests];
    const sent = log.find((r) => r.path === `/api/v2/cases/${firstCase}/comments`);
    assert.ok(sent, `the comments of case ${firstCase} were read`);
    // Answered before it was sent (the emulator's own clock: an answer's end is before a later arrival).
    const before = log.filter((r) => r !== sent && r.time + r.ms <= sent.time).map(shape);
    assert.deepStrictEqual(before, ['GET /api/v2/cases'], 'the first batch needed 2 requests, one after the other');
    assert.ok(answeredAtFirst <= 1 + 8, `${answeredAtFirst} answered before the first batch: only the first wave`);
  });
});

describe('Tines: a listing of a tenant that does not change sends no request beyond the pages it needs', () => {
  for (const [cases, perPage] of [
    [150, 60], // a last page that is not full
    [120, 60], // a full last page: the server's null next_page_number says it is the last (no read past it)
    [40, 500], // one page
  ] as const) {
    it(`${cases} cases, ${perPage} a page: the pages of cases + each case’s comment pages, once each`, async () => {
      const e = await tenant(cases, perPage);
      try {
        let commentPages = 0;
        for (let id = 1; id <= cases; id++) {
          const { meta } = await tenantGet(e, `/api/v2/cases/${id}/comments?per_page=1`);
          commentPages += Math.max(1, Math.ceil(meta.count / perPage));
        }
        const service = await connectAlice(e);
        e.clearLog();
        let found = 0;
        for await (const batch of service.listReactions()) found += batch.length;
        assert.strictEqual(found, e.tines.reactionsOf('alice').length, 'the listing is complete');
        const reads = e.requests.map(shape);
        const casePages = Math.ceil(cases / perPage);
        assert.strictEqual(reads.filter((r) => r === 'GET /api/v2/cases').length, casePages, 'each cases page once');
        assert.strictEqual(
          reads.length,
          casePages + commentPages,
          `${reads.length} requests for ${casePages} pages of cases and ${commentPages} comment pages`,
        );
        assert.strictEqual(new Set(e.requests.map((r) => r.url)).size, reads.length, 'no page read twice');
      } finally {
        await e.close();
      }
    });
  }
});

describe('Tines: a big tenant’s cases are not all read (and held in memory) before their comments', () => {
  it('30 pages of cases: the last one is asked for only once most cases’ comments were read', async () => {
    const [cases, perPage] = [1500, 50];
    const e = await startEmulator({ seed: 5, tines: { cases, commentsPerCase: 1, maxPerPage: perPage }, latencyMs: 2 });
    try {
      const service = await connectAlice(e);
      e.clearLog();
      for await (const _ of service.listReactions());
      const paths = e.requests.map((r) => r.path);
      assert.strictEqual(paths.length, cases / perPage + cases, 'every page once');
      const lastCasesPage = paths.lastIndexOf('/api/v2/cases');
      const commentsBefore = paths.slice(0, lastCasesPage).filter((p) => p.endsWith('/comments')).length;
      // At most the read-ahead backlog (256) waits, plus the pages of cases in flight (8 of 50).
      const atMostWaiting = Semaphore.AHEAD_BACKLOG + 8 * perPage;
      assert.ok(
        commentsBefore >= cases - atMostWaiting,
        `the last page of cases was asked for after only ${commentsBefore} of ${cases} cases' comments`,
      );
    } finally {
      await e.close();
    }
  });
});

/** A tenant of its own (cases numbered 1…n, comment pages capped at `maxPerPage`), 10 ms latency. */
function tenant(cases: number, maxPerPage: number): Promise<Emulator> {
  return startEmulator({ seed: 31, tines: { cases, commentsPerCase: 3, maxPerPage }, latencyMs: 10 });
}
