// The shell's only way out of the app to the web and to the file manager:
//   bitrix24:open — a deal or lead card on the workspace's own Bitrix24 portal (the host of the
//     webhook the user saved; the renderer names only the record, never a URL);
//   touches:openLanding — a call's or request's landing page (issue 19): the renderer names the
//     touch, the engine gives the address the record stored, and only an http(s) address without
//     credentials is opened;
//   files:open / files:reveal — an export file the user saved through a save dialog this session.
// `openExternal` (Electron's shell.openExternal) has exactly these two callers.
import type { Parsed, Result } from '@shared/contract';

export interface Opener {
  openExternal(url: string): Promise<void>;
  openPath(path: string): Promise<string>;
  showItemInFolder(path: string): void;
}

const HOST = /^[a-z0-9.-]+(?::\d{1,5})?$/i;

/** `https://<portal>/crm/deal/details/<id>/`; null when the host does not look like a portal host. */
export function crmRecordUrl(host: string | null, kind: 'deal' | 'lead', id: number): string | null {
  if (!host || !HOST.test(host) || !Number.isSafeInteger(id) || id <= 0) return null;
  return `https://${host.toLowerCase()}/crm/${kind}/details/${id}/`;
}

/** The address as opened: http or https only, no user:password; null for anything else. */
export function webPageUrl(url: string | null): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || !u.hostname) return null;
  return u.href;
}

const NO_LANDING = 'У этого касания нет адреса посадочной страницы, который можно открыть в браузере.';
const NO_PORTAL = 'Bitrix24 не подключён в этом рабочем пространстве — подключите его в «Настройках», чтобы открывать сделки на портале.';
const NOT_EXPORTED = 'Этот файл не выгружался в этом сеансе — откройте его из папки сами.';

export class Links {
  constructor(
    private readonly opener: Opener,
    /** the Bitrix24 portal host of the open workspace (from the secret store), null when none */
    private readonly portalHost: () => string | null,
    /** was this file saved through a save dialog this session (exports.ts) */
    private readonly exported: (path: string) => boolean,
    /** the landing page address a call or request stored (the engine's reports:landing) */
    private readonly landingOf: (input: Parsed<'touches:openLanding'>) => Promise<string | null> = async () => null,
  ) {}

  async openLanding(input: Parsed<'touches:openLanding'>): Promise<Result<{ url: string }>> {
    const url = webPageUrl(await this.landingOf(input));
    if (!url) return { ok: false, error: { code: 'invalid_input', message: NO_LANDING } };
    await this.opener.openExternal(url);
    return { ok: true, value: { url } };
  }

  async openCrm(input: Parsed<'bitrix24:open'>): Promise<Result<{ url: string }>> {
    const url = crmRecordUrl(this.portalHost(), input.kind, input.id);
    if (!url) return { ok: false, error: { code: 'invalid_input', message: NO_PORTAL } };
    await this.opener.openExternal(url);
    return { ok: true, value: { url } };
  }

  async openFile(input: Parsed<'files:open'>): Promise<Result<{ opened: boolean }>> {
    if (!this.exported(input.path)) return { ok: false, error: { code: 'invalid_input', message: NOT_EXPORTED } };
    const problem = await this.opener.openPath(input.path);
    if (problem) return { ok: false, error: { code: 'not_found', message: `Не удалось открыть файл: ${problem}` } };
    return { ok: true, value: { opened: true } };
  }

  revealFile(input: Parsed<'files:reveal'>): Result<{ opened: boolean }> {
    if (!this.exported(input.path)) return { ok: false, error: { code: 'invalid_input', message: NOT_EXPORTED } };
    this.opener.showItemInFolder(input.path);
    return { ok: true, value: { opened: true } };
  }
}
