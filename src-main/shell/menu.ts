// A small Russian application menu. The Edit menu keeps Cmd/Ctrl+C/V working on macOS;
// reload and DevTools only in development.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  dev: boolean;
  mac: boolean;
  /** macOS, packaged app: «Установить команду skvoz в PATH…» (shell/cli-link.ts) */
  cliLink?: () => void;
}

export function menuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom', label: 'Обычный масштаб' },
    { role: 'zoomIn', label: 'Увеличить' },
    { role: 'zoomOut', label: 'Уменьшить' },
    { type: 'separator' },
    { role: 'togglefullscreen', label: 'Во весь экран' },
  ];
  if (opts.dev) {
    view.unshift({ role: 'reload', label: 'Перезагрузить' }, { role: 'toggleDevTools', label: 'Инструменты разработчика' }, { type: 'separator' });
  }
  const template: MenuItemConstructorOptions[] = [
    { label: 'Файл', submenu: [opts.mac ? { role: 'close', label: 'Закрыть окно' } : { role: 'quit', label: 'Выход' }] },
    {
      label: 'Правка',
      submenu: [
        { role: 'undo', label: 'Отменить' },
        { role: 'redo', label: 'Повторить' },
        { type: 'separator' },
        { role: 'cut', label: 'Вырезать' },
        { role: 'copy', label: 'Копировать' },
        { role: 'paste', label: 'Вставить' },
        { role: 'selectAll', label: 'Выделить всё' },
      ],
    },
    { label: 'Вид', submenu: view },
    { label: 'Окно', submenu: [{ role: 'minimize', label: 'Свернуть' }, { role: 'zoom', label: 'Масштабировать' }] },
  ];
  if (opts.mac) {
    template.unshift({
      label: 'Skvoz',
      submenu: [
        { role: 'about', label: 'О программе Skvoz' },
        ...(opts.cliLink ? ([{ label: 'Установить команду skvoz в PATH…', click: opts.cliLink }] as MenuItemConstructorOptions[]) : []),
        { type: 'separator' },
        { role: 'hide', label: 'Скрыть Skvoz' },
        { role: 'hideOthers', label: 'Скрыть остальные' },
        { role: 'unhide', label: 'Показать все' },
        { type: 'separator' },
        { role: 'quit', label: 'Завершить Skvoz' },
      ],
    });
  }
  return template;
}

export function installMenu(opts: MenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(opts)));
}
