// Saved views the demo workspace starts with: what the README's `skvoz export --view` examples
// use, and a first look at saved views in the app's sidebar.
import { ViewSpecSchema, type ViewSpecInput } from '@shared/contract';
import type { Workspace } from '../workspace';
import { saveView } from '../views/store';

export const DEMO_VIEWS: { name: string; spec: ViewSpecInput }[] = [
  {
    name: 'Яндекс по кампаниям',
    spec: {
      period: { kind: 'preset', preset: 'lastMonth', anchor: 'data' },
      groupBy: ['source', 'medium', 'campaign'],
      filters: { dimensions: { source: ['yandex'] } },
    },
  },
  {
    name: 'Неделя',
    spec: { period: { kind: 'preset', preset: 'last7', anchor: 'data' }, groupBy: ['source', 'medium'], compare: { kind: 'previous' } },
  },
];

export function saveDemoViews(ws: Workspace, now: number): void {
  for (const v of DEMO_VIEWS) saveView(ws, { name: v.name, spec: ViewSpecSchema.parse(v.spec) }, now);
}
