/**
 * The "other origin": a third server that should never be called. It answers 200 to anything with
 * an empty object (or an empty list in the shape the path suggests) and logs every request, so tests
 * can prove that the client sent nothing, and above all no Authorization, to another origin.
 */
import type { App, Ctx, Reply } from './server';
import { TINES_SERVICE, USERS } from './users';

export class OtherApp implements App {
  readonly name = 'other' as const;
  readonly prefix = '';

  userOf(token: string): string | undefined {
    if (token === TINES_SERVICE.key) return TINES_SERVICE.name;
    return USERS.find((u) => u.scToken === token || u.tinesToken === token)?.name;
  }

  errorReply(status: number): Reply {
    return { status, json: {} };
  }

  handle(ctx: Ctx): Reply {
    const p = ctx.path;
    if (/^(.*)\/api\/v2\/(status|discussion|post|comment|reaction)\/$/.test(p))
      return { status: 200, json: { count: 0, next: null, previous: null, results: [] } };
    const meta = {
      current_page: ctx.url.toString(),
      previous_page: null,
      next_page: null,
      next_page_number: null,
      per_page: 20,
      pages: 1,
      count: 0,
    };
    const tines = /\/api\/v[12]\/(cases|teams)(\/\d+\/(comments|members))?\/?$/.exec(p);
    if (tines) return { status: 200, json: { [tines[3] ?? tines[1]]: [], meta } };
    return { status: 200, json: {} };
  }
}
