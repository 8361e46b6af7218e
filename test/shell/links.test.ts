// The shell's links out (links.ts): a Bitrix24 card on the workspace's own portal only, exported
// files only — and through the IPC wrapper like every other channel.
import { describe, expect, it, vi } from 'vitest';
import { addLogSink } from '../../src-main/engine/log';
import { Links, crmRecordUrl, webPageUrl, type Opener } from '../../src-main/shell/links';

vi.mock('electron', async () => (await import('./electron-mock')).electronModule());
addLogSink(() => {});
const { handleCall } = await import('../../src-main/shell/ipc');
const { APP_ORIGIN } = await import('../../src-main/shell/origin');

function opener(): Opener & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    openExternal: vi.fn(async (url: string) => void calls.push(`url ${url}`)),
    openPath: vi.fn(async (path: string) => (calls.push(`open ${path}`), '')),
    showItemInFolder: vi.fn((path: string) => void calls.push(`reveal ${path}`)),
  };
}

describe('links out of the app', () => {
  it('builds the card address on the portal of the saved webhook, and refuses anything else', () => {
    expect(crmRecordUrl('Divany.Bitrix24.ru', 'deal', 1178)).toBe('https://divany.bitrix24.ru/crm/deal/details/1178/');
    expect(crmRecordUrl('portal.bitrix24.ru', 'lead', 5)).toBe('https://portal.bitrix24.ru/crm/lead/details/5/');
    expect(crmRecordUrl(null, 'deal', 1)).toBeNull();
    expect(crmRecordUrl('evil.example/phish?x=', 'deal', 1)).toBeNull();
    expect(crmRecordUrl('portal.bitrix24.ru', 'deal', -1)).toBeNull();
  });

  it('opens a touch’s landing page only when the record stored an http(s) address without credentials', async () => {
    expect(webPageUrl('https://uyut-mebel.ru/catalog/?utm_source=yandex')).toBe('https://uyut-mebel.ru/catalog/?utm_source=yandex');
    expect(webPageUrl(' http://example.ru ')).toBe('http://example.ru/');
    for (const bad of [null, '', '/catalog/', 'javascript:alert(1)', 'file:///etc/passwd', 'smb://host/share', 'https://user:pw@example.ru/', 'ms-settings:']) {
      expect(webPageUrl(bad), String(bad)).toBeNull();
    }
    const o = opener();
    const stored: Record<string, string | null> = { 'call:1': 'https://uyut-mebel.ru/akcii/', 'request:2': 'file:///etc/passwd', 'call:3': null };
    const links = new Links(o, () => null, () => false, async (t) => stored[`${t.kind}:${t.id}`] ?? null);
    expect(await links.openLanding({ kind: 'call', id: 1 })).toEqual({ ok: true, value: { url: 'https://uyut-mebel.ru/akcii/' } });
    for (const t of [{ kind: 'request', id: 2 }, { kind: 'call', id: 3 }] as const) {
      const r = await links.openLanding(t);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/посадочной страницы/);
    }
    expect(o.calls).toEqual(['url https://uyut-mebel.ru/akcii/']);
  });

  it('opens a deal card only when Bitrix24 is connected; files only when exported this session', async () => {
    const o = opener();
    let host: string | null = null;
    const links = new Links(o, () => host, (p) => p === '/tmp/out/Skvoz_Отчёт.xlsx');
    const refused = await links.openCrm({ kind: 'deal', id: 7 });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/Bitrix24 не подключён/);
    host = 'divany.bitrix24.ru';
    expect(await links.openCrm({ kind: 'deal', id: 7 })).toEqual({ ok: true, value: { url: 'https://divany.bitrix24.ru/crm/deal/details/7/' } });
    expect((await links.openFile({ path: '/etc/passwd' })).ok).toBe(false);
    expect(links.revealFile({ path: '/etc/passwd' }).ok).toBe(false);
    expect((await links.openFile({ path: '/tmp/out/Skvoz_Отчёт.xlsx' })).ok).toBe(true);
    expect(links.revealFile({ path: '/tmp/out/Skvoz_Отчёт.xlsx' }).ok).toBe(true);
    expect(o.calls).toEqual(['url https://divany.bitrix24.ru/crm/deal/details/7/', 'open /tmp/out/Skvoz_Отчёт.xlsx', 'reveal /tmp/out/Skvoz_Отчёт.xlsx']);
  });

  it('goes through the IPC wrapper: schema first, then the shell', async () => {
    const o = opener();
    const links = new Links(o, () => 'divany.bitrix24.ru', () => false);
    const deps = {
      allowedOrigins: [APP_ORIGIN],
      engine: { currentWorkspaceId: 'ws', call: vi.fn() },
      secrets: { status: vi.fn(), set: vi.fn(), clear: vi.fn(), forgetWorkspace: vi.fn() },
      links,
    };
    const frame = { senderFrame: { url: `${APP_ORIGIN}/index.html` } as never };
    expect(await handleCall(deps as never, 'bitrix24:open', frame, { kind: 'deal', id: 3 })).toEqual({ ok: true, value: { url: 'https://divany.bitrix24.ru/crm/deal/details/3/' } });
    expect((await handleCall(deps as never, 'bitrix24:open', frame, { kind: 'deal', id: 'x' })).ok).toBe(false);
    expect((await handleCall(deps as never, 'files:open', frame, { path: 'relative.xlsx' })).ok).toBe(false);
    expect(deps.engine.call).not.toHaveBeenCalled();
  });
});
