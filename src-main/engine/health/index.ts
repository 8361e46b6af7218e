// The data-health channels: health:summary, health:records, health:values.
export { healthRecords, healthSummary } from './checks';
export { dimensionValues } from './values';
