// crm.stagehistory.list items (entityTypeId 2, bitrix24.md §9.3) for the demo deals: the
// creation in the pipeline's first stage, then the move to the current stage (TYPE_ID 3 when it
// is final), at movedTime — so "won at" from history equals movedTime, as on a real portal.
import type { B24DealItemRaw, B24StageHistoryRaw } from '../sources/bitrix24/api-types';

function firstStage(categoryId: number): string {
  return categoryId === 0 ? 'NEW' : `C${categoryId}:NEW`;
}

export function* stageHistoryPages(deals: Iterable<B24DealItemRaw[]>): Generator<B24StageHistoryRaw[]> {
  let id = 0;
  for (const page of deals) {
    const out: B24StageHistoryRaw[] = [];
    for (const d of page) {
      const first = firstStage(d.categoryId);
      out.push({ ID: ++id, TYPE_ID: 1, OWNER_ID: d.id, CREATED_TIME: d.createdTime, CATEGORY_ID: d.categoryId, STAGE_SEMANTIC_ID: 'P', STAGE_ID: first });
      if (d.stageId !== first && d.movedTime) {
        const semantic = d.stageSemanticId ?? 'P';
        out.push({
          ID: ++id,
          TYPE_ID: semantic === 'P' ? 2 : 3,
          OWNER_ID: d.id,
          CREATED_TIME: d.movedTime,
          CATEGORY_ID: d.categoryId,
          STAGE_SEMANTIC_ID: semantic,
          STAGE_ID: d.stageId,
        });
      }
    }
    yield out;
  }
}
