// A small Russian application menu. The Edit menu keeps Cmd/Ctrl+C/V working on macOS;
// reload and DevTools only in development.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export function menuTemplate(opts: { dev: boolean; mac: boolean }): MenuItemConstructorOptions[] {
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

export function installMenu(opts: { dev: boolean; mac: boolean }): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(opts)));
}
