// Offline visits: form → visit row + outbox row (durable), sender → Calltouch (and Bitrix24).
// PLACEHOLDER being replaced by the offline-visits implementation (issue 7).
import type { Visit, VisitCounts, VisitList, VisitParsed, VisitPreview } from '@shared/contract';
import type { z } from 'zod';
import type { VisitListSchema, VisitPreviewSchema, VisitUpdateSchema } from '@shared/visits-schema';
import type { Workspace } from '../workspace';
import type { SecretProvider } from '../secrets';
import type { SourceOverrides } from '../sync/orchestrator';
import { SkvozError } from '../errors';

export interface VisitDeps {
  secrets: SecretProvider;
  overrides: SourceOverrides;
  now: () => number;
  changed: (counts: VisitCounts) => void;
}

const todo = (): never => {
  throw new SkvozError('internal', 'Офлайн-визиты ещё не подключены.');
};

export class VisitService {
  constructor(
    readonly ws: Workspace,
    readonly deps: VisitDeps,
  ) {}
  create(_input: VisitParsed): Visit {
    return todo();
  }
  list(_q: z.output<typeof VisitListSchema>): VisitList {
    return todo();
  }
  preview(_q: z.output<typeof VisitPreviewSchema>): VisitPreview {
    return todo();
  }
  update(_q: z.output<typeof VisitUpdateSchema>): Visit {
    return todo();
  }
  cancel(_id: number): Visit {
    return todo();
  }
  retry(_id: number): Visit {
    return todo();
  }
  async send(_signal?: AbortSignal): Promise<{ attempted: number; sent: number; failed: number; rejected: number }> {
    return todo();
  }
}
