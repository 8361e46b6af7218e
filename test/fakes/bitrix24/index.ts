// Loopback fake of a Bitrix24 portal (see server.ts) and its data (data.ts).
export { FakeBitrix24, type FakeCounters, type FakeOptions, type FaultKind } from './server';
export { PortalData, rng, type Dictionaries, type HistoryItem } from './data';
export { parsePhpQuery } from './query';
