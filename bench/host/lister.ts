/**
 * The yardstick of `npm run bench -- --host`: a plain concurrent lister, the obvious algorithm a
 * person would write in 40 lines with plain fetch and C requests in flight (one FIFO queue, C
 * workers). It lists the same data as the extension and counts the same reactions:
 *
 *   SelfCommunity: each type's pages (limit 100, the rest once the first page told the count), then
 *                  the comments of each item with comments (and the replies of each comment with some).
 *   Tines:         the cases' pages (per_page 500), then each case's comment pages (per_page 500),
 *                  keeping each emoji whose reactants include the user.
 */

export interface ListerResult {
  reactions: number;
  requests: number;
  ms: number;
}

type Task = () => Promise<void>;

class Lister {
  requests = 0;
  reactions = 0;
  constructor(
    private readonly token: string,
    private readonly concurrency: number,
  ) {}

  async get<T>(url: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.requests++;
      const res = await fetch(url, { headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' } });
      if (res.ok) return (await res.json()) as T;
      if (attempt >= 3 || (res.status < 500 && res.status !== 429)) throw new Error(`GET ${url} → ${res.status}`);
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }

  /** Runs `seed` and everything it adds with `add`, C at a time. */
  async run(seed: (add: (t: Task) => void) => void): Promise<void> {
    const queue: Task[] = [];
    let running = 0;
    await new Promise<void>((resolve, reject) => {
      const pump = () => {
        while (running < this.concurrency && queue.length) {
          const task = queue.shift()!;
          running++;
          task().then(() => {
            running--;
            pump();
          }, reject);
        }
        if (!queue.length && !running) resolve();
      };
      const add = (t: Task) => {
        queue.push(t);
      };
      seed(add);
      pump(); // tasks add more tasks while they run: pump() after each completion picks them up
    });
  }
}

interface ScPage {
  count: number;
  results: Array<{ id: number; voted?: boolean; comment_count?: number }>;
}

export async function listSelfCommunity(baseUrl: string, token: string, concurrency = 8): Promise<ListerResult> {
  const l = new Lister(token, concurrency);
  const t0 = performance.now();
  const api = `${baseUrl}/api/v2`;
  await l.run((add) => {
    const items = (page: ScPage, comments: (id: number) => string) => {
      for (const it of page.results) {
        if (it.voted) l.reactions++;
        if (it.comment_count) add(() => pages(comments(it.id), (id) => `${api}/comment/?parent=${id}`));
      }
    };
    const pages = async (url: string, comments: (id: number) => string) => {
      const first = await l.get<ScPage>(`${url}&limit=100&offset=0`);
      items(first, comments);
      for (let offset = 100; offset < first.count; offset += 100) {
        add(async () => items(await l.get<ScPage>(`${url}&limit=100&offset=${offset}`), comments));
      }
    };
    for (const type of ['status', 'discussion', 'post']) {
      add(() => pages(`${api}/${type}/?ordering=-added_at`, (id) => `${api}/comment/?${type}=${id}`));
    }
  });
  return { reactions: l.reactions, requests: l.requests, ms: performance.now() - t0 };
}

interface TinesMeta {
  meta: { pages: number };
}
interface TinesComment {
  reactions?: Array<{ reactants?: Array<{ user_id: number | string }> }>;
}

export async function listTines(
  baseUrl: string,
  token: string,
  userId: string,
  concurrency = 8,
): Promise<ListerResult> {
  const l = new Lister(token, concurrency);
  const t0 = performance.now();
  const api = `${baseUrl}/api/v2`;
  await l.run((add) => {
    const paged = async <T extends TinesMeta>(url: string, each: (page: T) => void) => {
      const first = await l.get<T>(`${url}?per_page=500&page=1`);
      each(first);
      for (let p = 2; p <= first.meta.pages; p++)
        add(async () => each(await l.get<T>(`${url}?per_page=500&page=${p}`)));
    };
    const comments = (page: TinesMeta & { comments: TinesComment[] }) => {
      for (const c of page.comments)
        for (const r of c.reactions ?? []) if (r.reactants?.some((u) => String(u.user_id) === userId)) l.reactions++;
    };
    add(() =>
      paged<TinesMeta & { cases: Array<{ case_id: number | string }> }>(`${api}/cases`, (page) => {
        for (const c of page.cases) add(() => paged(`${api}/cases/${c.case_id}/comments`, comments));
      }),
    );
  });
  return { reactions: l.reactions, requests: l.requests, ms: performance.now() - t0 };
}
