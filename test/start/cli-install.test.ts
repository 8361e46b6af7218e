// `skvoz` as the installers ship it (issue 20): the app's own build of the command run by the app's
// own Electron in Node mode (ELECTRON_RUN_AS_NODE). Tested here without the real Electron:
// - the packaged layout from `npm run dist -- --dir --linux` with a stand-in Electron (it answers
//   as Node when ELECTRON_RUN_AS_NODE is set, like test/start/front-door.test.ts's): the CLI is in
//   the app, resources/bin/skvoz runs it through a /usr/bin-style link — help, demo, report;
// - the launcher script's macOS branch on a Skvoz.app-shaped folder;
// - the .deb scripts (rendered as electron-builder renders them; bash -n), the Windows skvoz.cmd,
//   and the NSIS include compiled by makensis when it is installed (Debian: apt-get install nsis);
// - the macOS «install the command» link (shell/cli-link.ts) on a temporary folder.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCliLink, shQuote } from '../../src-main/shell/cli-link';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const electronVersion = (require(join(root, 'node_modules/electron/package.json')) as { version: string }).version;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { productName: string };
const CLI = join(root, 'resources/cli');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skvoz-cli-install-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in Electron: Node when ELECTRON_RUN_AS_NODE is set, else it only notes that the app was started. */
function stubElectron(file: string): void {
  writeFileSync(file, `#!/bin/sh\nif [ -n "$ELECTRON_RUN_AS_NODE" ]; then exec "${process.execPath}" "$@"; fi\necho "the app window, not the CLI"\n`);
  chmodSync(file, 0o755);
}

const run = (cmd: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '', ...env }, timeout: 120_000 });

describe('the packaged app (npm run dist -- --dir --linux)', () => {
  it('carries the built CLI and resources/bin/skvoz, which runs it with the app\'s Electron as Node', { timeout: 600_000 }, () => {
    const stub = join(dir, 'electron-dist');
    mkdirSync(stub);
    stubElectron(join(stub, 'electron'));
    const out = join(dir, 'packaged');
    const r = spawnSync(
      'npm',
      ['run', 'dist', '--', '--dir', '--linux', `-c.electronDist=${stub}`, `-c.electronVersion=${electronVersion}`, '-c.npmRebuild=false', `-c.directories.output=${out}`],
      { cwd: root, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '' } },
    );
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const app = join(out, 'linux-unpacked');
    const asar = require('@electron/asar') as { listPackage(p: string): string[]; extractAll(p: string, d: string): void };
    const files = asar.listPackage(join(app, 'resources/app.asar'));
    for (const f of ['/out/cli/skvoz.js', '/out/cli/attribution-reader.js']) expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('/out/cli/chunks/'))).toBe(true);
    const launcher = join(app, 'resources/bin/skvoz');
    expect(statSync(launcher).mode & 0o111).not.toBe(0);

    // Node cannot read app.asar (Electron can): the same files as the folder Electron also accepts
    asar.extractAll(join(app, 'resources/app.asar'), join(app, 'resources/app'));
    rmSync(join(app, 'resources/app.asar'));
    const bin = join(dir, 'usr-bin');
    mkdirSync(bin);
    symlinkSync(launcher, join(bin, 'skvoz'));
    const skvoz = join(bin, 'skvoz');
    const help = run(skvoz, ['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('skvoz report --workspace DIR');
    const ws = join(dir, 'ws');
    const demo = run(skvoz, ['demo', '--workspace', ws, '--size', 'small']);
    expect(demo.status, demo.stderr).toBe(0);
    const report = run(skvoz, ['report', '--workspace', ws, '--from', '2000-01-01', '--to', '2099-12-31']);
    expect(report.status, report.stderr).toBe(0);
    expect((JSON.parse(report.stdout) as { totals: { leads: number } }).totals.leads).toBeGreaterThan(1000);
    const bad = run(skvoz, ['report', '--workspace', ws, '--nope']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('skvoz: неизвестный параметр --nope (см. skvoz --help) / unknown option --nope (see skvoz --help)\n');
  });
});

describe('the launcher scripts', () => {
  it('macOS: runs Contents/MacOS/Skvoz in Node mode on the CLI in the app, through a link', () => {
    const contents = join(dir, 'Skvoz.app/Contents');
    mkdirSync(join(contents, 'MacOS'), { recursive: true });
    mkdirSync(join(contents, 'Resources/bin'), { recursive: true });
    mkdirSync(join(contents, 'Resources/app/out/cli'), { recursive: true });
    stubElectron(join(contents, 'MacOS/Skvoz'));
    copyFileSync(join(CLI, 'skvoz'), join(contents, 'Resources/bin/skvoz'));
    chmodSync(join(contents, 'Resources/bin/skvoz'), 0o755);
    writeFileSync(join(contents, 'Resources/app/out/cli/skvoz.js'), 'console.log(JSON.stringify({ args: process.argv.slice(2), node: process.env.ELECTRON_RUN_AS_NODE }))');
    const link = join(dir, 'usr-local-bin/skvoz');
    mkdirSync(join(dir, 'usr-local-bin'));
    symlinkSync(join(contents, 'Resources/bin/skvoz'), link);
    const r = run(link, ['export', '--view', 'Неделя с пробелом']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ args: ['export', '--view', 'Неделя с пробелом'], node: '1' });
  });

  it('says so in one line when the app is not next to it', () => {
    const lone = join(dir, 'lone/bin');
    mkdirSync(lone, { recursive: true });
    copyFileSync(join(CLI, 'skvoz'), join(lone, 'skvoz'));
    chmodSync(join(lone, 'skvoz'), 0o755);
    const r = run(join(lone, 'skvoz'), ['--help']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^skvoz: не найдено приложение Skvoz .* \/ the Skvoz app is missing .*\n$/);
  });

  it('.deb: /usr/bin/skvoz is the command line, linked on install and removed on removal', () => {
    const render = (file: string) =>
      readFileSync(join(CLI, file), 'utf8').replace(/\$\{([a-zA-Z]+)\}/g, (_, k: string) => {
        const v = ({ executable: 'skvoz', sanitizedProductName: pkg.productName } as Record<string, string>)[k];
        if (v === undefined) throw new Error(`Macro ${k} is not defined`); // as electron-builder does
        return v;
      });
    for (const f of ['deb-after-install.tpl', 'deb-after-remove.tpl']) {
      const text = render(f);
      writeFileSync(join(dir, f), text);
      const syntax = run('bash', ['-n', join(dir, f)]);
      expect(syntax.status, syntax.stderr).toBe(0);
    }
    const install = render('deb-after-install.tpl');
    expect(install).toContain(`ln -sf '/opt/${pkg.productName}/resources/bin/skvoz' '/usr/bin/skvoz'`);
    expect(install).not.toMatch(/ln -sf '\/opt\/Skvoz\/skvoz'/); // the app itself is not /usr/bin/skvoz
    expect(install).toContain('chrome-sandbox');
    expect(render('deb-after-remove.tpl')).toContain(`= '/opt/${pkg.productName}/resources/bin/skvoz' ]; then\n    rm -f /usr/bin/skvoz`);
  });

  it('Windows: skvoz.cmd runs <productName>.exe in Node mode on the CLI in app.asar', () => {
    const cmd = readFileSync(join(CLI, 'skvoz.cmd'), 'utf8');
    expect(cmd.split('\n').every((l, i, all) => i === all.length - 1 || l.endsWith('\r'))).toBe(true); // CRLF
    expect(cmd).toContain('set "ELECTRON_RUN_AS_NODE=1"');
    expect(cmd).toContain(`"%~dp0${pkg.productName}.exe" "%~dp0resources\\app.asar\\out\\cli\\skvoz.js" %*`);
    expect(cmd).toContain('exit /b %ERRORLEVEL%');
    const ps1 = readFileSync(join(CLI, 'skvoz-path.ps1'), 'utf8');
    expect(ps1).toContain('DoNotExpandEnvironmentNames'); // %VARIABLES% in PATH stay as they are
    expect(ps1).toContain('-Type ExpandString');
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/extraFiles:\n\s+- from: resources\/cli\/skvoz\.cmd\n\s+to: skvoz\.cmd/);
    expect(yml).toMatch(/include: resources\/cli\/installer\.nsh/);
  });

  it.skipIf(spawnSync('makensis', ['-VERSION']).status !== 0)('Windows: the NSIS include compiles (makensis)', () => {
    const nsi = join(dir, 'harness.nsi');
    writeFileSync(
      nsi,
      [
        'Unicode true',
        `OutFile "${join(dir, 'harness.exe')}"`,
        'RequestExecutionLevel user',
        '!include LogicLib.nsh',
        'Var installMode', // electron-builder's multiUser.nsh defines these two
        '!define isUpdated `"$R0" == "updated"`',
        `!include "${join(CLI, 'installer.nsh')}"`,
        'Section',
        '  !insertmacro customInstall',
        `  WriteUninstaller "${join(dir, 'u.exe')}"`,
        'SectionEnd',
        'Section "un.Uninstall"',
        '  !insertmacro customUnInstall',
        'SectionEnd',
      ].join('\n'),
    );
    const r = run('makensis', ['-V2', nsi]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

describe('macOS: the link the app offers to create', () => {
  it('links, leaves a link that is already ours, asks before replacing anything else, asks for a password when it must', async () => {
    const bin = join(dir, 'mac-bin');
    const link = join(bin, 'skvoz');
    const target = '/Applications/Skvoz.app/Contents/Resources/bin/skvoz';
    const admin: string[] = [];
    const deps = { admin: async (c: string) => void admin.push(c) };
    expect(await installCliLink(target, link, { replace: false }, deps)).toBe('created');
    expect(spawnSync('readlink', [link], { encoding: 'utf8' }).stdout.trim()).toBe(target);
    expect(await installCliLink(target, link, { replace: false }, deps)).toBe('already');
    rmSync(link);
    writeFileSync(link, 'someone else');
    expect(await installCliLink(target, link, { replace: false }, deps)).toBe('occupied');
    expect(readFileSync(link, 'utf8')).toBe('someone else');
    expect(await installCliLink(target, link, { replace: true }, deps)).toBe('created');
    expect(spawnSync('readlink', [link], { encoding: 'utf8' }).stdout.trim()).toBe(target);
    expect(admin).toEqual([]);

    // /usr/local/bin needs an administrator: the same commands, run as one (macOS asks for the password)
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const locked = join(dir, 'locked-bin');
    const r = await installCliLink("/Applications/It's Skvoz.app/skvoz", join(locked, 'skvoz'), { replace: false }, { ...deps, symlink: () => Promise.reject(denied) });
    expect(r).toBe('created');
    expect(admin).toEqual([`mkdir -p ${shQuote(locked)} && ln -sfn '/Applications/It'\\''s Skvoz.app/skvoz' ${shQuote(join(locked, 'skvoz'))}`]);
    expect(existsSync(join(locked, 'skvoz'))).toBe(false);
  });
});
