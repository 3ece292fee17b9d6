/**
 * Tines API routes (see /work/shared/api/tines.md): info, teams and members (v1), cases, comments and
 * reactions (v2). Bearer auth everywhere; page/per_page paging with a `meta` block; error bodies vary
 * the way Tines' do (`{"errors":[...]}`, a bare array, `{"error": ...}`, or an HTML page).
 */
import { STATUS_CODES } from 'http';
import { Modes } from './modes';
import type { App, Ctx, Reply } from './server';
import { TINES_VALUES, type TCase, type TinesWorld } from './tines-data';
import type { TinesValue } from './types';
import { TINES_SERVICE, USERS, tinesPerson } from './users';

const ORDERS: Record<string, (a: TCase, b: TCase) => number> = {
  CREATED_DESC: (a, b) => b.createdAt - a.createdAt || b.id - a.id,
  CREATED_ASC: (a, b) => a.createdAt - b.createdAt || a.id - b.id,
  RECENTLY_EDITED: (a, b) => b.updatedAt - a.updatedAt || b.id - a.id,
  LEAST_RECENTLY_EDITED: (a, b) => a.updatedAt - b.updatedAt || a.id - b.id,
  PRIORITY_DESC: (a, b) => PRIO[b.priority] - PRIO[a.priority] || b.id - a.id,
  PRIORITY_ASC: (a, b) => PRIO[a.priority] - PRIO[b.priority] || a.id - b.id,
};
ORDERS.RECENTLY_UPDATED = ORDERS.RECENTLY_EDITED;
ORDERS.LEAST_RECENTLY_UPDATED = ORDERS.LEAST_RECENTLY_EDITED;
const PRIO: Record<string, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

const error = (status: number, message: string): Reply => ({ status, json: { error: message } });
const caseNotFound = (id: string): Reply => ({
  status: 404,
  json: {
    errors: [{ message: 'Case not found', details: `Couldn't find a case with ID ${id} that this key can access.` }],
  },
});
const htmlPage = (status: number, title: string, text: string): Reply => ({
  status,
  text: `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body><h1>${title}</h1><p>${text}</p></body>\n</html>\n`,
  headers: { 'content-type': 'text/html; charset=utf-8' },
});

type Handler = (ctx: Ctx, m: RegExpExecArray, userId: number) => Reply;

export class TinesApp implements App {
  readonly name = 'tines' as const;
  readonly prefix = '';
  private readonly routes: Array<{ method: 'GET' | 'POST'; re: RegExp; handler: Handler }>;

  constructor(
    private readonly world: TinesWorld,
    private readonly modes: Modes = new Modes(),
  ) {
    this.routes = [
      { method: 'GET', re: /^\/api\/v1\/info\/?$/, handler: () => this.info() },
      { method: 'GET', re: /^\/api\/v1\/teams\/?$/, handler: (c) => this.teams(c) },
      { method: 'GET', re: /^\/api\/v1\/teams\/(\d+)\/?$/, handler: (_c, m) => this.team(m[1]) },
      { method: 'GET', re: /^\/api\/v1\/teams\/(\d+)\/members\/?$/, handler: (c, m) => this.members(c, m[1]) },
      { method: 'GET', re: /^\/api\/v2\/cases\/?$/, handler: (c) => this.cases(c) },
      { method: 'GET', re: /^\/api\/v2\/cases\/(\d+)\/?$/, handler: (c, m) => this.case(c, m[1]) },
      { method: 'GET', re: /^\/api\/v2\/cases\/(\d+)\/comments\/?$/, handler: (c, m) => this.comments(c, m[1]) },
      {
        method: 'GET',
        re: /^\/api\/v2\/cases\/(\d+)\/comments\/(\d+)\/?$/,
        handler: (c, m) => this.comment(c, m[1], m[2]),
      },
      {
        method: 'POST',
        re: /^\/api\/v2\/cases\/(\d+)\/comments\/(\d+)\/(add_reaction|remove_reaction)\/?$/,
        handler: (c, m, userId) => this.react(c, m[1], m[2], m[3] === 'add_reaction', userId),
      },
    ];
  }

  userOf(token: string): string | undefined {
    if (token === TINES_SERVICE.key) return TINES_SERVICE.name;
    return USERS.find((u) => u.tinesToken === token)?.name;
  }

  private userIdOf(name: string | undefined): number | undefined {
    if (name === TINES_SERVICE.name) return TINES_SERVICE.userId;
    return USERS.find((u) => u.name === name)?.tinesUserId;
  }

  errorReply(status: number): Reply {
    switch (status) {
      case 401:
        return error(401, 'Unauthorized');
      case 404:
        return htmlPage(
          404,
          "The page you were looking for doesn't exist (404)",
          'You may have mistyped the address or the page may have moved.',
        );
      case 422:
        return { status, json: ['Unprocessable request'] };
      case 429:
        return error(429, 'Too many requests. Please slow down.');
      case 502:
      case 503:
      case 504:
        return htmlPage(
          status,
          `${status} ${STATUS_CODES[status]}`,
          'The tenant is temporarily unavailable. Please try again shortly.',
        );
      default:
        return error(status, STATUS_CODES[status] ?? 'Error');
    }
  }

  handle(ctx: Ctx): Reply {
    const matches = this.routes.map((r) => ({ r, m: r.re.exec(ctx.path) })).filter((x) => x.m);
    const hit = matches.find((x) => x.r.method === ctx.method);
    if (!hit) return this.errorReply(404); // Rails: an unknown route or method is a 404 page
    const userId = this.userIdOf(ctx.user);
    if (!ctx.token || userId === undefined) return this.errorReply(401);
    return hit.r.handler(ctx, hit.m!, userId);
  }

  // ---- paging ------------------------------------------------------------------------------------

  private paged<T>(
    ctx: Ctx,
    key: string,
    all: T[],
    map: (x: T) => unknown,
    extra: Record<string, unknown> = {},
  ): Reply {
    const perRaw = Number.parseInt(ctx.query.get('per_page') ?? '', 10);
    const pageRaw = Number.parseInt(ctx.query.get('page') ?? '', 10);
    const per = Math.min(perRaw > 0 ? perRaw : 20, this.world.cfg.maxPerPage);
    const page = pageRaw > 0 ? pageRaw : 1;
    const pages = Math.max(1, Math.ceil(all.length / per));
    const link = (p: number) => {
      const q = new URLSearchParams(ctx.query);
      q.set('page', String(p));
      q.set('per_page', String(per));
      return `${ctx.base}${ctx.path}?${q}`;
    };
    const hasNext = page < pages;
    const hasPrev = page > 1;
    const reply = {
      status: 200,
      json: {
        ...extra,
        [key]: all.slice((page - 1) * per, page * per).map(map),
        meta: {
          current_page: link(page),
          previous_page: hasPrev ? link(Math.min(page - 1, pages)) : null,
          next_page: hasNext ? link(page + 1) : null,
          next_page_number: hasNext ? page + 1 : null,
          per_page: per,
          pages,
          count: all.length,
        } as Record<string, unknown>,
      },
    };
    if (key === 'cases') this.modes.tinesMeta(reply.json.meta, page);
    return reply;
  }

  // ---- routes ------------------------------------------------------------------------------------

  private info(): Reply {
    return {
      status: 200,
      json: { stack: { name: 'emulated-stack', type: 'self-hosted', region: 'local', egress_ips: [] } },
    };
  }

  private teams(ctx: Ctx): Reply {
    return this.paged(ctx, 'teams', this.world.teams, (t) => ({ id: t.id, name: t.name }));
  }

  private teamOf(id: string) {
    return this.world.teams.find((t) => t.id === Number(id));
  }

  private team(id: string): Reply {
    const t = this.teamOf(id);
    return t ? { status: 200, json: { id: t.id, name: t.name } } : error(404, 'Team not found');
  }

  private members(ctx: Ctx, id: string): Reply {
    const t = this.teamOf(id);
    if (!t) return error(404, 'Team not found');
    return this.paged(ctx, 'members', t.members, (m) => {
      const p = tinesPerson(m.userId);
      return {
        id: m.userId,
        email: p.email,
        first_name: p.firstName,
        last_name: p.lastName,
        role: m.role,
        is_admin: false,
        last_seen: null,
      };
    });
  }

  private filter(ctx: Ctx, name: string): string | null {
    return ctx.query.get(`filters[${name}]`);
  }

  private cases(ctx: Ctx): Reply {
    let list = this.world.cases.filter((c) => !c.deleted);
    for (const [name, pick] of [
      ['updated_at_start_date', (c: TCase, t: number) => c.updatedAt >= t],
      ['updated_at_end_date', (c: TCase, t: number) => c.updatedAt <= t],
      ['created_at_start_date', (c: TCase, t: number) => c.createdAt >= t],
      ['created_at_end_date', (c: TCase, t: number) => c.createdAt <= t],
    ] as const) {
      const v = this.filter(ctx, name);
      if (v === null) continue;
      const t = Date.parse(v);
      if (Number.isNaN(t)) return error(400, `Invalid date for filters[${name}]: expected an ISO 8601 timestamp`);
      list = list.filter((c) => pick(c, t));
    }
    const status = this.filter(ctx, 'status');
    if (status !== null) {
      if (status !== 'OPEN' && status !== 'CLOSED') return error(400, 'filters[status] must be OPEN or CLOSED');
      list = list.filter((c) => c.status === status);
    }
    const ids = ctx.query.getAll('filters[case_ids][]');
    if (ids.length) list = list.filter((c) => ids.includes(String(c.id)));
    const order = ctx.query.get('order') ?? 'CREATED_DESC';
    const compare = ORDERS[order.toUpperCase()];
    if (!compare) return error(400, `order must be one of ${Object.keys(ORDERS).join(', ')}`);
    list.sort(compare);
    return this.paged(ctx, 'cases', list, (c) => this.world.caseJson(ctx.base, c));
  }

  private case(ctx: Ctx, id: string): Reply {
    const c = this.world.caseById(id);
    return c ? { status: 200, json: this.world.caseJson(ctx.base, c) } : caseNotFound(id);
  }

  private comments(ctx: Ctx, id: string): Reply {
    const c = this.world.caseById(id);
    if (!c) return caseNotFound(id);
    const live = c.comments.filter((cm) => !cm.deleted);
    return this.paged(ctx, 'comments', live, (cm) => this.world.commentJson(ctx.base, cm), { case_id: c.id });
  }

  private comment(ctx: Ctx, caseId: string, commentId: string): Reply {
    if (!this.world.caseById(caseId)) return caseNotFound(caseId);
    const cm = this.world.commentOf(caseId, commentId);
    return cm ? { status: 200, json: this.world.commentJson(ctx.base, cm) } : error(404, 'Comment not found');
  }

  private react(ctx: Ctx, caseId: string, commentId: string, add: boolean, userId: number): Reply {
    const kase = this.world.caseById(caseId);
    if (!kase) return caseNotFound(caseId);
    const cm = this.world.commentOf(caseId, commentId);
    if (!cm) return error(404, 'Comment not found');
    let body: unknown;
    try {
      body = ctx.body ? JSON.parse(ctx.body) : {};
    } catch {
      return error(400, 'The request body is not valid JSON');
    }
    const value = body && typeof body === 'object' ? (body as Record<string, unknown>).value : undefined;
    if (value === undefined || value === null || value === '') return { status: 422, json: ["Value can't be blank"] };
    if (!TINES_VALUES.includes(value as TinesValue))
      return { status: 422, json: ['Value is not a supported reaction'] };
    const v = value as TinesValue;
    const was = cm.reactions.find((r) => r.value === v)?.reactants.find((x) => x.userId === userId)?.at;
    if (add) this.world.react(cm, userId, v, Date.now());
    else this.world.unreact(cm, userId, v);
    this.world.touch(kase);
    const ghost = {
      service: 'tines' as const,
      target: `case:${caseId}/comment:${commentId}`,
      user: ctx.user ?? String(userId),
    };
    if (!add && was !== undefined)
      this.modes.ghosts.onRemoval(ghost, () => {
        if (!cm.deleted && this.world.caseById(caseId)) this.world.react(cm, userId, v, was);
      });
    const reply = { status: 200, json: this.world.commentJson(ctx.base, cm) };
    this.modes.ghosts.afterReadOf(ghost); // the answer was the read: a stay ghost is back at once
    return reply;
  }
}
