// The report tree in e2e tests: choose its levels, wait until it has settled.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { DIMENSIONS, type Dimension } from '@shared/metrics';

/** Ticks the wanted level chips first (a tree keeps at least one level), then unticks the rest. */
export async function setLevels(page: Page, levels: Dimension[]): Promise<void> {
  for (const d of DIMENSIONS) if (levels.includes(d)) await page.getByTestId(`level-${d}`).check();
  for (const d of DIMENSIONS) if (!levels.includes(d)) await page.getByTestId(`level-${d}`).uncheck();
  await page.locator(`[data-testid="report-tree"][data-group-by="${levels.join(',')}"]`).waitFor();
}

/** The tree's query has answered and no level is still loading. */
export async function settleTree(page: Page): Promise<void> {
  await page.locator('[data-testid="report-tree"][aria-busy="false"]').waitFor();
  await expect.poll(() => page.getByTestId('report-tree').locator('[data-testid="tree-loading"]').count()).toBe(0);
}
