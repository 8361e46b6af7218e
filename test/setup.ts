// Engine code must never depend on the machine's local time zone.
process.env.TZ = 'UTC';
