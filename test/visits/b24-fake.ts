// A minimal Bitrix24 portal for the offline-visit creation path (reference/bitrix24.md §11):
// crm.lead.add, crm.deal.add, crm.contact.add, crm.lead.list / crm.deal.list filtered by
// ORIGINATOR_ID + ORIGIN_ID, crm.duplicate.findbycomm, crm.tracking.trace.add. Faults: the next
// *.add stores its record and never answers (a timeout after the write).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface B24Record {
  id: number;
  entity: 'lead' | 'deal' | 'contact';
  fields: Record<string, unknown>;
}

export class Bitrix24VisitFake {
  readonly records: B24Record[] = [];
  readonly traces: { TRACE: string; ENTITIES: { TYPE: string; ID: number }[] }[] = [];
  readonly calls: string[] = [];
  /** the next N *.add calls store and then hang */
  hangAdds = 0;
  private nextId = 500;
  private server: Server | null = null;
  private readonly held = new Set<ServerResponse>();
  port = 0;

  static readonly CODE = 'abcdefgh12345678';

  get webhook(): string {
    return `http://127.0.0.1:${this.port}/rest/1/${Bitrix24VisitFake.CODE}/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    const a = this.server.address();
    if (a && typeof a === 'object') this.port = a.port;
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  count(method: string): number {
    return this.calls.filter((c) => c === method).length;
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = new RegExp(`^/rest/1/${Bitrix24VisitFake.CODE}/([a-z.]+?)(?:\\.json)?$`).exec(req.url ?? '');
    if (!m) return this.reply(res, 401, { error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
    const method = m[1] ?? '';
    this.calls.push(method);
    const p = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const time = { start: 0, finish: 0, duration: 0.01, processing: 0.01, date_start: '', date_finish: '', operating: 0 };
    const ok = (result: unknown) => this.reply(res, 200, { result, time });
    const add = /^crm\.(lead|deal|contact)\.add$/.exec(method);
    if (add) {
      const fields = (p.fields ?? {}) as Record<string, unknown>;
      if (typeof fields.TITLE !== 'string' && add[1] !== 'contact') return this.reply(res, 400, { error: '', error_description: 'Parameter fields must be array' });
      const rec: B24Record = { id: this.nextId++, entity: add[1] as B24Record['entity'], fields };
      this.records.push(rec);
      if (this.hangAdds > 0) {
        this.hangAdds--;
        this.held.add(res);
        return;
      }
      return ok(rec.id);
    }
    const list = /^crm\.(lead|deal|contact)\.list$/.exec(method);
    if (list) {
      const f = (p.filter ?? {}) as Record<string, unknown>;
      return ok(
        this.records
          .filter((r) => r.entity === list[1] && r.fields.ORIGINATOR_ID === f.ORIGINATOR_ID && r.fields.ORIGIN_ID === f.ORIGIN_ID)
          .map((r) => ({ ID: String(r.id), ORIGINATOR_ID: r.fields.ORIGINATOR_ID, ORIGIN_ID: r.fields.ORIGIN_ID })),
      );
    }
    if (method === 'crm.duplicate.findbycomm') {
      const values = (p.values ?? []) as string[];
      const key = p.type === 'EMAIL' ? 'EMAIL' : 'PHONE';
      const ids = this.records
        .filter((r) => r.entity === 'contact' && ((r.fields[key] ?? []) as { VALUE: string }[]).some((x) => values.includes(x.VALUE)))
        .map((r) => r.id);
      return ok(ids.length ? { CONTACT: ids } : []);
    }
    if (method === 'crm.tracking.trace.add') {
      JSON.parse(String(p.TRACE));
      this.traces.push(p as (typeof this.traces)[number]);
      return ok(this.traces.length + 1500);
    }
    this.reply(res, 404, { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' });
  }
}
