/**
 * SelfCommunity API v2 routes (see /work/shared/api/selfcommunity.md). Auth on every route except the
 * reaction catalog and the feature list; lists paginate with limit/offset and absolute `next` links;
 * the vote endpoint toggles exactly as the documented table says and always answers 204. The OAuth
 * routes (`/oauth/authorize/`, `/oauth/token/`, `/oauth/revoke_token/`, no bearer token) are handled by
 * oauth.ts; a bearer token is a static one of users.ts or an access token it issued.
 */
import { STATUS_CODES } from 'http';
import { CONTRIBUTIONS, REACTIONS, type ScWorld } from './sc-data';
import type { OAuthServer } from './oauth';
import { ScViews } from './sc-views';
import type { App, Ctx, Reply } from './server';
import { USERS, scPerson } from './users';
import { Modes } from './modes';

const P = '/api/v2';
const TYPE = '(status|discussion|post|comment)';

const sdkError = (status: number, code: string, message: string): Reply => ({
  status,
  json: { errors: [{ code, message }] },
});
const fieldError = (field: string, message: string): Reply => ({
  status: 400,
  json: { errors: [{ field, messages: [message] }] },
});
const NOT_FOUND = () => sdkError(404, 'not_found', 'Not found.');
const html = (status: number, body: string): Reply => ({
  status,
  text: body,
  headers: { 'content-type': 'text/html; charset=utf-8' },
});

type Handler = (ctx: Ctx, m: RegExpExecArray, u: number) => Reply;

interface Route {
  re: RegExp;
  auth: boolean;
  methods: Partial<Record<'GET' | 'POST', Handler>>;
}

export class SelfCommunityApp implements App {
  readonly name = 'selfcommunity' as const;
  private readonly routes: Route[];
  private readonly views: ScViews;

  constructor(
    private readonly world: ScWorld,
    readonly prefix: string,
    private readonly oauth: OAuthServer,
    private readonly modes: Modes = new Modes(),
  ) {
    this.views = new ScViews(world, modes);
    this.routes = [
      {
        re: /^\/oauth\/authorize\/$/,
        auth: false,
        methods: { GET: (c) => oauth.authorizePage(c), POST: (c) => oauth.authorizeDecision(c) },
      },
      { re: /^\/oauth\/token\/$/, auth: false, methods: { POST: (c) => oauth.token(c) } },
      { re: /^\/oauth\/revoke_token\/$/, auth: false, methods: { POST: (c) => oauth.revoke(c) } },
      { re: new RegExp(`^${P}/user/me/$`), auth: true, methods: { GET: (c, _m, u) => this.me(c, u) } },
      { re: new RegExp(`^${P}/reaction/$`), auth: false, methods: { GET: (c) => this.reactions(c) } },
      {
        re: new RegExp(`^${P}/reaction/(\\d+)/$`),
        auth: false,
        methods: { GET: (c, m) => this.reaction(c, Number(m[1])) },
      },
      { re: new RegExp(`^${P}/feature/$`), auth: false, methods: { GET: () => this.features() } },
      { re: new RegExp(`^${P}/comment/$`), auth: true, methods: { GET: (c, _m, u) => this.comments(c, u) } },
      {
        re: new RegExp(`^${P}/(status|discussion|post)/$`),
        auth: true,
        methods: { GET: (c, m, u) => this.list(c, m[1], u) },
      },
      {
        re: new RegExp(`^${P}/${TYPE}/(\\d+)/$`),
        auth: true,
        methods: { GET: (c, m, u) => this.detail(c, m[1], Number(m[2]), u) },
      },
      {
        re: new RegExp(`^${P}/${TYPE}/(\\d+)/vote/$`),
        auth: true,
        methods: {
          GET: (c, m) => this.votes(c, m[1], Number(m[2])),
          POST: (c, m, u) => this.vote(c, m[1], Number(m[2]), u),
        },
      },
    ];
  }

  userOf(token: string): string | undefined {
    return USERS.find((u) => u.scToken === token)?.name ?? this.oauth.userOf(token);
  }

  errorReply(status: number): Reply {
    switch (status) {
      case 400:
        return sdkError(400, 'invalid', 'Bad request.');
      case 401:
        return {
          status,
          json: { detail: 'Authentication credentials were not provided.' },
          headers: { 'www-authenticate': 'Bearer realm="api"' },
        };
      case 403:
        return sdkError(403, 'permission_denied', 'You do not have permission to perform this action.');
      case 404:
        return html(
          404,
          '<!doctype html>\n<html lang="en">\n<head><title>Not Found</title></head>\n<body><h1>Not Found</h1><p>The requested resource was not found on this server.</p></body>\n</html>\n',
        );
      case 410:
        return sdkError(410, 'gone', 'This content is no longer available.');
      case 429:
        return { status, json: { detail: 'Request was throttled.' } };
      case 500:
        return html(
          500,
          '\n<!doctype html>\n<html lang="en">\n<head><title>Server Error (500)</title></head>\n<body><h1>Server Error (500)</h1><p></p></body>\n</html>\n',
        );
      case 502:
      case 503:
      case 504:
        return html(
          status,
          `<html>\r\n<head><title>${status} ${STATUS_CODES[status]}</title></head>\r\n<body>\r\n<center><h1>${status} ${STATUS_CODES[status]}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
        );
      default:
        return { status, json: { detail: STATUS_CODES[status] ?? 'Error' } };
    }
  }

  handle(ctx: Ctx): Reply {
    for (const route of this.routes) {
      const m = route.re.exec(ctx.path);
      if (!m) continue;
      const handler = route.methods[ctx.method as 'GET' | 'POST'];
      if (!handler) {
        const allow = [...Object.keys(route.methods), 'HEAD', 'OPTIONS'].join(', ');
        return { status: 405, json: { detail: `Method "${ctx.method}" not allowed.` }, headers: { allow } };
      }
      let u = -1;
      if (route.auth) {
        if (!ctx.token) return this.errorReply(401);
        // Resolved again: an OAuth token can expire while the request waits (latency, faults).
        const name = this.userOf(ctx.token);
        u = USERS.findIndex((x) => x.name === name);
        if (u < 0)
          return {
            status: 401,
            json: { errors: [{ code: 'not_authenticated', message: 'Invalid token.' }] },
            headers: { 'www-authenticate': 'Bearer realm="api"' },
          };
      }
      return handler(ctx, m, u);
    }
    return this.errorReply(404);
  }

  // ---- paging ------------------------------------------------------------------------------------

  private limitOffset(ctx: Ctx): { limit: number; offset: number } {
    const limit = Number.parseInt(ctx.query.get('limit') ?? '', 10);
    const offset = Number.parseInt(ctx.query.get('offset') ?? '', 10);
    return { limit: Math.min(limit > 0 ? limit : 20, this.world.cfg.maxLimit), offset: offset > 0 ? offset : 0 };
  }

  private link(ctx: Ctx, limit: number, offset: number): string {
    const q = new URLSearchParams(ctx.query);
    q.set('limit', String(limit));
    if (offset > 0) q.set('offset', String(offset));
    else q.delete('offset');
    return `${ctx.base}${ctx.path}?${q}`;
  }

  private page(ctx: Ctx, count: number, results: unknown[], limit: number, offset: number): Reply {
    return {
      status: 200,
      json: {
        count,
        next: offset + limit < count ? this.link(ctx, limit, offset + limit) : null,
        previous: offset > 0 ? this.link(ctx, limit, Math.max(0, offset - limit)) : null,
        results,
      },
    };
  }

  private pageOf<T>(ctx: Ctx, all: T[], map: (x: T) => unknown): Reply {
    const { limit, offset } = this.limitOffset(ctx);
    return this.page(ctx, all.length, all.slice(offset, offset + limit).map(map), limit, offset);
  }

  // ---- routes ------------------------------------------------------------------------------------

  private me(ctx: Ctx, u: number): Reply {
    const user = USERS[u];
    const p = scPerson(user.scUserId);
    return {
      status: 200,
      json: {
        id: user.scUserId,
        username: user.name,
        real_name: user.displayName,
        email: user.email,
        avatar: `${ctx.base}/static/avatars/${user.scUserId}.png`,
        date_joined: '2023-03-14T08:00:00Z',
        bio: `${p.firstName} works on the product team.`,
        location: '',
        role: 'user',
        status: 'a',
        reputation: 120 + user.scUserId,
        ext_id: null,
      },
    };
  }

  private reactions(ctx: Ctx): Reply {
    const active = ctx.query.get('active');
    const search = (ctx.query.get('search') ?? '').toLowerCase();
    const list = REACTIONS.filter((r) => (active === 'true' ? r.active : active === 'false' ? !r.active : true)).filter(
      (r) => r.label.toLowerCase().includes(search),
    );
    return this.pageOf(ctx, list, (r) => ({ ...this.reactionOf(ctx, r.id) }));
  }

  private reactionOf(ctx: Ctx, id: number): Record<string, unknown> | undefined {
    const r = REACTIONS.find((x) => x.id === id);
    return (
      r && {
        id: r.id,
        label: r.label,
        sentiment: r.sentiment,
        image: `${ctx.base}/static/reactions/${r.label.toLowerCase()}.svg`,
        active: r.active,
      }
    );
  }

  private reaction(ctx: Ctx, id: number): Reply {
    const r = this.reactionOf(ctx, id);
    return r ? { status: 200, json: r } : NOT_FOUND();
  }

  private features(): Reply {
    const list = ['category', 'tagging', 'follow', 'private_messages', 'groups'];
    if (this.world.cfg.reactionsEnabled) list.splice(2, 0, 'reaction');
    return { status: 200, json: list };
  }

  private list(ctx: Ctx, type: string, u: number): Reply {
    const t = this.world.typeIndex(type);
    this.modes.churnList(this.world, t);
    const table = this.world.contributions[t];
    const { limit, offset } = this.limitOffset(ctx);
    const ascending = ['added_at', 'id'].includes(ctx.query.get('ordering') ?? '');
    const ids = table.page(offset, limit, !ascending);
    const reply = this.page(
      ctx,
      table.live,
      ids.map((id) => this.views.contributionJson(ctx.base, t, id, u)),
      limit,
      offset,
    );
    return this.modes.scList(reply, ctx, (o) => this.link(ctx, limit, o), limit, offset);
  }

  private comments(ctx: Ctx, u: number): Reply {
    const w = this.world;
    const field = [...CONTRIBUTIONS, 'parent'].find((f) => ctx.query.has(f));
    if (!field) return fieldError('non_field_errors', 'One of discussion, status, post or parent is required.');
    const raw = ctx.query.get(field) ?? '';
    const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
    const t = field === 'parent' ? 3 : w.typeIndex(field);
    if (!w.exists(t, id))
      return fieldError(field, 'Select a valid choice. That choice is not one of the available choices.');
    const ids = field === 'parent' ? (w.comments.parent.get(id) === 0 ? w.replies(id) : []) : w.topComments(t, id);
    if (ctx.query.get('ordering') === '-added_at') ids.reverse();
    return this.pageOf(ctx, ids, (c) => this.views.commentJson(ctx.base, c, u));
  }

  private detail(ctx: Ctx, type: string, id: number, u: number): Reply {
    const t = this.world.typeIndex(type);
    if (!this.world.exists(t, id)) return NOT_FOUND();
    const reply = { status: 200, json: this.views.itemJson(ctx.base, t, id, u) };
    this.modes.ghosts.afterReadOf({ service: 'selfcommunity', target: `${type}:${id}`, user: USERS[u].name });
    return reply;
  }

  private votes(ctx: Ctx, type: string, id: number): Reply {
    const t = this.world.typeIndex(type);
    if (!this.world.exists(t, id)) return NOT_FOUND();
    const r = ctx.query.get('reaction');
    if (r !== null && !/^\d+$/.test(r)) return fieldError('reaction', 'Enter a whole number.');
    return this.pageOf(ctx, this.views.voteListJson(ctx.base, t, id, r === null ? undefined : Number(r)), (x) => x);
  }

  /** The toggle. Answers 204 with an empty body whatever happened. */
  private vote(ctx: Ctx, type: string, id: number, u: number): Reply {
    const w = this.world;
    const t = w.typeIndex(type);
    if (!w.exists(t, id)) return NOT_FOUND();
    const current = w.voteCode(t, id, u);
    let next: number;
    if (!w.cfg.reactionsEnabled) {
      next = current === 0 ? -1 : 0; // plain upvote toggle; `reaction` is ignored
    } else {
      const param = ctx.query.get('reaction');
      if (param !== null && !(/^\d+$/.test(param) && REACTIONS.some((r) => r.id === Number(param))))
        return sdkError(400, 'invalid', 'Invalid reaction');
      const wanted = param === null ? 1 : Number(param);
      if (current === 0)
        next = wanted; // not voted: add
      else if (param === null)
        next = current === 1 || current === -1 ? 0 : 1; // no param: remove a Like, else change to Like
      else next = current === wanted ? 0 : wanted; // same: remove; other: change
    }
    w.setVoteCode(t, id, u, next);
    if (current !== 0 && next === 0) {
      const ghost = { service: 'selfcommunity' as const, target: `${type}:${id}`, user: USERS[u].name };
      this.modes.ghosts.onRemoval(ghost, () => {
        if (w.exists(t, id) && w.voteCode(t, id, u) === 0) w.setVoteCode(t, id, u, current);
      });
    }
    return { status: 204 };
  }
}
