import type Database from 'better-sqlite3';
import { updateToSchemaVersion1 } from './0001-initial';
import { updateToSchemaVersion2 } from './0002-attribution';
import { updateToSchemaVersion3 } from './0003-visits';
import { updateToSchemaVersion4 } from './0004-outbox-verify';
import { updateToSchemaVersion5 } from './0005-touch-scan';
import { updateToSchemaVersion6 } from './0006-ad-costs';
import { updateToSchemaVersion7 } from './0007-won-pending';
import { updateToSchemaVersion8 } from './0008-channels';
import { updateToSchemaVersion9 } from './0009-enrichment';
import { updateToSchemaVersion10 } from './0010-markov-paths';
import { updateToSchemaVersion11 } from './0011-drill-index';

export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

export const MIGRATIONS: Migration[] = [
  { version: 1, name: 'initial', up: updateToSchemaVersion1 },
  { version: 2, name: 'attribution', up: updateToSchemaVersion2 },
  { version: 3, name: 'visits', up: updateToSchemaVersion3 },
  { version: 4, name: 'outbox-verify', up: updateToSchemaVersion4 },
  { version: 5, name: 'touch-scan', up: updateToSchemaVersion5 },
  { version: 6, name: 'ad-costs', up: updateToSchemaVersion6 },
  { version: 7, name: 'won-pending', up: updateToSchemaVersion7 },
  { version: 8, name: 'channels', up: updateToSchemaVersion8 },
  { version: 9, name: 'enrichment', up: updateToSchemaVersion9 },
  { version: 10, name: 'markov-paths', up: updateToSchemaVersion10 },
  { version: 11, name: 'drill-index', up: updateToSchemaVersion11 },
];
