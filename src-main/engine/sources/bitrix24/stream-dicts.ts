// Dictionaries and portal facts, all in the first batch of a run (reference/bitrix24.md §9, §14):
// crm.settings.mode.get (1 classic, 2 simple CRM without leads), scope (is `user` granted?),
// crm.status.list for SOURCE, STATUS, DEAL_STAGE and DEAL_STAGE_<n> of every known pipeline,
// crm.category.list (entityTypeId 2), crm.currency.list, user.get. Pipelines seen for the first
// time get their stages in the next round; `next` pages of user.get / crm.status.list too.
import type { Db } from '../../db/open';
import { B24ApiError } from './api-error';
import { listRows, type SubCall } from './batch';
import type { B24CategoryRaw, B24CurrencyRaw, B24StatusRaw, B24UserRaw } from './api-types';
import { B24MapError, mapCategory, mapCurrency, mapStatus, mapUser, type CategoryRow, type CurrencyRow, type StatusRow, type UserRow } from './map';
import { upsertCategories, upsertCurrencies, upsertStatuses, upsertUsers } from './store';
import { failedCalls, subResult, type Run, type Round, type Settled, type Stream } from './stream';
import { prepared } from '../sql';

const META_GET = 'SELECT value FROM meta WHERE key = ?';
const META_SET = 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';
export const META_MODE = 'bitrix24.crm_mode';
export const META_SCOPES = 'bitrix24.scopes';

export function readMeta(db: Db, key: string): string | null {
  const r = prepared(db, META_GET).get(key) as { value: string } | undefined;
  return r?.value ?? null;
}

export function writeMeta(db: Db, key: string, value: string): void {
  prepared(db, META_SET).run(key, value);
}

function statusCall(key: string, entityId: string, start?: number): SubCall {
  const params: Record<string, unknown> = { filter: { ENTITY_ID: entityId }, order: { SORT: 'ASC' } };
  if (start !== undefined) params.start = start;
  return { key, method: 'crm.status.list', params };
}

function mapSome<R, T>(raws: readonly R[], map: (r: R) => T): T[] {
  const out: T[] = [];
  for (const r of raws) {
    try {
      out.push(map(r));
    } catch (err) {
      if (!(err instanceof B24MapError)) throw err;
    }
  }
  return out;
}

export class DictionaryStream implements Stream {
  readonly entity = 'dictionaries';
  private queue: SubCall[];
  private planned: SubCall[] = [];
  private readonly known: Set<number>;
  private seq = 0;
  private read = 0;

  constructor(private readonly run: Run) {
    this.known = new Set((prepared(run.db, 'SELECT id FROM b24_category').all() as { id: number }[]).map((r) => r.id));
    const wantUsers = run.scopes === null || run.scopes.includes('user');
    this.queue = [
      { key: 'xmode', method: 'crm.settings.mode.get', params: {} },
      { key: 'xscope', method: 'scope', params: {} },
      statusCall('xsSOURCE', 'SOURCE'),
      statusCall('xsSTATUS', 'STATUS'),
      statusCall('xsDEAL_STAGE', 'DEAL_STAGE'),
      ...[...this.known].filter((id) => id > 0).map((id) => statusCall(`xsDEAL_STAGE_${id}`, `DEAL_STAGE_${id}`)),
      { key: 'xcat', method: 'crm.category.list', params: { entityTypeId: 2 } },
      { key: 'xcur', method: 'crm.currency.list', params: { order: { SORT: 'ASC' } } },
      ...(wantUsers ? [{ key: 'xu', method: 'user.get', params: { start: 0 } }] : []),
    ];
  }

  active(): boolean {
    return this.queue.length > 0;
  }

  plan(room: number): SubCall[] {
    this.planned = this.queue.slice(0, Math.max(0, room));
    return this.planned;
  }

  async settle(round: Round): Promise<Settled> {
    const calls = this.planned;
    this.planned = [];
    if (calls.length === 0) return null;
    // mode and scopes first: the lead stream settles after us and needs them even if a
    // dictionary sub-call failed this round
    for (const c of calls) {
      const sub = round.results.get(c.key);
      if (!sub || sub.error) continue;
      if (c.method === 'crm.settings.mode.get') this.run.mode = Number(sub.result) === 2 ? 2 : 1;
      if (c.method === 'scope' && Array.isArray(sub.result)) this.run.scopes = sub.result.map(String);
    }
    // user.get without the `user` scope (or rights) is not a failure: names stay unknown
    const optional = (c: SubCall) => c.method === 'user.get';
    const must = calls.filter((c) => !optional(c) || !['scope', 'denied', 'auth', 'not_found', 'client'].includes(round.results.get(c.key)?.error?.kind ?? ''));
    const { failed, retry } = failedCalls(this.run, must, round);
    if (retry && failed.size === must.length) return { retry };
    const statuses: StatusRow[] = [];
    const cats: CategoryRow[] = [];
    const curs: CurrencyRow[] = [];
    const users: UserRow[] = [];
    const follow: SubCall[] = [];
    let mode: number | null = null;
    let scopes: string[] | null = null;
    for (const c of calls) {
      const sub = round.results.get(c.key);
      if (failed.has(c.key)) continue;
      if (!sub || sub.error) {
        if (sub?.error) this.run.log.info(`${c.method}: ${sub.error.code || sub.error.description} — имена сотрудников не загружены`);
        continue;
      }
      const res = subResult(round, c.key);
      if (c.method === 'crm.settings.mode.get') mode = Number(res) === 2 ? 2 : 1;
      else if (c.method === 'scope') scopes = Array.isArray(res) ? res.map(String) : [];
      else if (c.method === 'crm.status.list') {
        statuses.push(...mapSome(listRows<B24StatusRaw>(res), mapStatus));
        const entity = String((c.params.filter as { ENTITY_ID: string }).ENTITY_ID);
        if (sub.next) follow.push(statusCall(`xs${this.seq++}`, entity, sub.next));
      } else if (c.method === 'crm.category.list') {
        for (const cat of mapSome(listRows<B24CategoryRaw>(res), mapCategory)) {
          cats.push(cat);
          if (cat.id > 0 && !this.known.has(cat.id)) follow.push(statusCall(`xsDEAL_STAGE_${cat.id}`, `DEAL_STAGE_${cat.id}`));
        }
      } else if (c.method === 'crm.currency.list') curs.push(...mapSome(listRows<B24CurrencyRaw>(res), mapCurrency));
      else if (c.method === 'user.get') {
        users.push(...mapSome(listRows<B24UserRaw>(res), mapUser));
        if (sub.next) follow.push({ key: `xu${this.seq++}`, method: 'user.get', params: { start: sub.next } });
      }
    }
    if (scopes !== null && !scopes.includes('crm')) {
      throw new B24ApiError('scope', 'insufficient_scope', 403, 'scope', this.run.client.webhook.host, 'нет scope crm');
    }
    if (mode !== null) this.run.mode = mode;
    if (scopes !== null) this.run.scopes = scopes;
    for (const cat of cats) this.known.add(cat.id);
    const n = statuses.length + cats.length + curs.length + users.length;
    return {
      read: n,
      retry: retry ?? undefined,
      write: (db) => {
        if (mode !== null) writeMeta(db, META_MODE, String(mode));
        if (scopes !== null) writeMeta(db, META_SCOPES, scopes.join(','));
        return upsertStatuses(db, statuses) + upsertCategories(db, cats) + upsertCurrencies(db, curs) + upsertUsers(db, users);
      },
      after: () => {
        this.read += n;
        this.queue = [...calls.filter((c) => failed.has(c.key)), ...this.queue.slice(calls.length), ...follow];
      },
    };
  }

  progress(): { done: number; total: number | null } {
    return { done: this.read, total: this.queue.length ? null : this.read };
  }
}
