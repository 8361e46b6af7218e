// Secrets (Bitrix24 webhook, Calltouch tokens) encrypted with Electron's safeStorage, kept per
// workspace in one file under userData. The renderer can set and clear them and read a status
// (configured flags, the portal host) — never a secret. Only the engine host reads them back.
// safeStorage and the file path are injected, so this runs in plain Node tests.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Parsed, Result, SecretKey, SecretsStatus } from '@shared/contract';
import { createLogger } from '../engine/log';
import { secretName } from '../engine/secrets';
import { checkBitrixWebhook, checkCalltouchToken, checkVkAdsCredentials, checkYandexDirectToken, type Checked } from './webhook';

/** The part of Electron's `safeStorage` we use (so tests can pass a fake). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export interface SecretStoreOptions {
  safeStorage: SafeStorageLike;
  /** e.g. `<userData>/secrets.json` — holds only ciphertext and non-secret hints */
  file: string;
  platform?: NodeJS.Platform;
}

interface StoredSecret {
  /** base64 of safeStorage.encryptString(value) */
  cipher: string;
  /** Bitrix24 portal host, shown in the settings (not a secret) */
  host?: string;
  updatedAt: string;
}

interface StoreFile {
  version: 1;
  /** workspace id → secret name → stored secret */
  workspaces: Record<string, Record<string, StoredSecret>>;
}

const NO_WORKSPACE = 'Сначала откройте рабочее пространство: ключи доступа хранятся для каждого отдельно.';

export class SecretStore {
  private readonly log = createLogger('shell/secrets');
  private readonly platform: NodeJS.Platform;

  constructor(private readonly opts: SecretStoreOptions) {
    this.platform = opts.platform ?? process.platform;
  }

  /** Why secrets cannot be stored right now (Russian), or null when encryption is available. */
  storageProblem(): string | null {
    const ss = this.opts.safeStorage;
    if (this.platform === 'linux') {
      const backend = ss.getSelectedStorageBackend?.() ?? 'unknown';
      if (backend === 'basic_text' || backend === 'unknown') {
        return (
          'Системное хранилище паролей (связка ключей) недоступно, поэтому Skvoz не может надёжно сохранить вебхук и токены. ' +
          'Установите и включите GNOME Keyring (libsecret) или KWallet, затем перезапустите Skvoz. ' +
          'В открытом виде ключи доступа не сохраняются.'
        );
      }
    }
    if (!ss.isEncryptionAvailable()) {
      return (
        'Шифрование системного хранилища паролей недоступно, поэтому Skvoz не может надёжно сохранить вебхук и токены. ' +
        'Проверьте, что связка ключей системы (Keychain, диспетчер учётных данных Windows или keyring) работает, и перезапустите Skvoz. ' +
        'В открытом виде ключи доступа не сохраняются.'
      );
    }
    return null;
  }

  status(workspaceId: string | null): SecretsStatus {
    const entries = workspaceId ? (this.read().workspaces[workspaceId] ?? {}) : {};
    const b24 = entries[secretName({ kind: 'bitrix24_webhook' })];
    const calltouch: SecretsStatus['calltouch'] = [];
    for (const name of Object.keys(entries)) {
      const m = /^calltouch_token:(\d+)$/.exec(name);
      if (m) calltouch.push({ siteId: Number(m[1]), configured: true });
    }
    calltouch.sort((a, b) => a.siteId - b.siteId);
    const yandexDirect: SecretsStatus['yandexDirect'] = [];
    for (const name of Object.keys(entries)) {
      const m = /^yandex_direct_token:(.*)$/.exec(name);
      if (m) yandexDirect.push({ login: m[1] ?? '', configured: true });
    }
    yandexDirect.sort((a, b) => a.login.localeCompare(b.login));
    return {
      storageAvailable: this.storageProblem() === null,
      bitrix24: { configured: b24 !== undefined, host: b24?.host ?? null },
      calltouch,
      yandexDirect,
      vkAds: { configured: secretName({ kind: 'vk_ads_credentials' }) in entries },
    };
  }

  set(workspaceId: string | null, input: Parsed<'secrets:set'>): Result<SecretsStatus> {
    if (!workspaceId) return { ok: false, error: { code: 'not_found', message: NO_WORKSPACE } };
    const checked = checkSecret(input);
    if (!checked.ok) return { ok: false, error: { code: 'invalid_input', message: checked.message, fields: { value: checked.message } } };
    const problem = this.storageProblem();
    if (problem) return { ok: false, error: { code: 'conflict', message: problem } };

    let cipher: string;
    try {
      cipher = this.opts.safeStorage.encryptString(checked.value).toString('base64');
    } catch (err) {
      this.log.error('encryptString failed', err);
      return { ok: false, error: { code: 'internal', message: 'Не удалось зашифровать ключ доступа системным хранилищем паролей.' } };
    }
    const key = keyOf(input);
    const file = this.read();
    const entries = (file.workspaces[workspaceId] ??= {});
    entries[secretName(key)] = { cipher, ...(checked.host ? { host: checked.host } : {}), updatedAt: new Date().toISOString() };
    const saved = this.write(file);
    if (!saved.ok) return saved;
    this.log.info('secret saved', secretName(key), 'workspace', workspaceId);
    return { ok: true, value: this.status(workspaceId) };
  }

  clear(workspaceId: string | null, key: SecretKey): Result<SecretsStatus> {
    if (!workspaceId) return { ok: false, error: { code: 'not_found', message: NO_WORKSPACE } };
    const file = this.read();
    const entries = file.workspaces[workspaceId];
    if (entries && secretName(key) in entries) {
      delete entries[secretName(key)];
      if (Object.keys(entries).length === 0) delete file.workspaces[workspaceId];
      const saved = this.write(file);
      if (!saved.ok) return saved;
      this.log.info('secret cleared', secretName(key), 'workspace', workspaceId);
    }
    return { ok: true, value: this.status(workspaceId) };
  }

  /** Drops every secret of a deleted workspace. */
  forgetWorkspace(workspaceId: string): void {
    const file = this.read();
    if (!(workspaceId in file.workspaces)) return;
    delete file.workspaces[workspaceId];
    this.write(file);
  }

  /** For the engine host only: the decrypted secret, or null when missing or unreadable. */
  async get(workspaceId: string | null, key: SecretKey): Promise<string | null> {
    if (!workspaceId) return null;
    const stored = this.read().workspaces[workspaceId]?.[secretName(key)];
    if (!stored) return null;
    if (this.storageProblem()) {
      this.log.warn('secret requested but encrypted storage is unavailable', secretName(key));
      return null;
    }
    try {
      return this.opts.safeStorage.decryptString(Buffer.from(stored.cipher, 'base64'));
    } catch (err) {
      this.log.warn('secret could not be decrypted (keyring changed?)', secretName(key), err);
      return null;
    }
  }

  private read(): StoreFile {
    const empty: StoreFile = { version: 1, workspaces: {} };
    if (!existsSync(this.opts.file)) return empty;
    try {
      const raw = JSON.parse(readFileSync(this.opts.file, 'utf8')) as Partial<StoreFile>;
      if (raw.version !== 1 || typeof raw.workspaces !== 'object' || raw.workspaces === null) throw new Error('unexpected shape');
      return { version: 1, workspaces: raw.workspaces };
    } catch (err) {
      this.log.error('secrets file is damaged and is ignored', err);
      return empty;
    }
  }

  private write(file: StoreFile): Result<null> {
    try {
      mkdirSync(dirname(this.opts.file), { recursive: true });
      const tmp = `${this.opts.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
      renameSync(tmp, this.opts.file);
      return { ok: true, value: null };
    } catch (err) {
      this.log.error('secrets file could not be written', err);
      return { ok: false, error: { code: 'internal', message: 'Не удалось записать файл с ключами доступа в папку приложения.' } };
    }
  }
}

function checkSecret(input: Parsed<'secrets:set'>): Checked {
  switch (input.kind) {
    case 'bitrix24_webhook':
      return checkBitrixWebhook(input.value);
    case 'calltouch_token':
      return checkCalltouchToken(input.value);
    case 'yandex_direct_token':
      return checkYandexDirectToken(input.value);
    case 'vk_ads_credentials':
      return checkVkAdsCredentials(input.value);
  }
}

function keyOf(input: Parsed<'secrets:set'>): SecretKey {
  switch (input.kind) {
    case 'bitrix24_webhook':
      return { kind: 'bitrix24_webhook' };
    case 'calltouch_token':
      return { kind: 'calltouch_token', siteId: input.siteId };
    case 'yandex_direct_token':
      return { kind: 'yandex_direct_token', login: input.login };
    case 'vk_ads_credentials':
      return { kind: 'vk_ads_credentials' };
  }
}
